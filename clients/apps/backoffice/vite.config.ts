import { defineConfig } from "vite";

// Served by the gateway at its root, beside the APIs the page calls (one origin: no CORS, same-address WebSocket).
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
