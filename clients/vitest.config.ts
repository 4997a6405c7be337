import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.{ts,tsx}"],
    // The client's own tests run on fake transports and timers; the React ones need a DOM.
    environment: "node",
  },
});
