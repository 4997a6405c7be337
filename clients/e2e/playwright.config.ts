import { defineConfig } from "@playwright/test";

// Debian's chromium (Playwright's own browser downloads cannot work here), headless, with the flags that keep it from
// reaching for Google's services on a closed network.
export default defineConfig({
  testDir: "tests",
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env["REALTIMESYNC_URL"] ?? "http://127.0.0.1:8080",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
