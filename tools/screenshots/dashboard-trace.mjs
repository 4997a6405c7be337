// Takes the README's screenshot of one change's trace in the Aspire dashboard, with Debian's chromium
// (Playwright's own browser download cannot work here). With ./run running, in another terminal:
//   export TOKEN=$(dotnet run --project tools/Cli -- token --user alice --role editor)
//   node tools/screenshots/dashboard-trace.mjs '<the Dashboard: login URL ./run printed>' [docs/images/dashboard-trace.png]
// With a subscriber connected (tools/Cli subscribe), it writes one record through the gateway under a
// trace id of its own, then shows that trace.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";

const [loginUrl, output = "docs/images/dashboard-trace.png"] = process.argv.slice(2);
const gateway = process.env.GATEWAY ?? "http://127.0.0.1:8080";
if (!loginUrl || !process.env.TOKEN) {
  console.error("usage: TOKEN=<editor token> node dashboard-trace.mjs <dashboard login URL> [output.png]");
  process.exit(2);
}

const write = async (traceId) => {
  const response = await fetch(`${gateway}/api/records/settings/main`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${process.env.TOKEN}`,
      "content-type": "application/json",
      traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01`,
    },
    body: JSON.stringify({ companyName: "TRU Group", email: `contact+${Date.now()}@tru.example` }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new Error(`the write failed: ${response.status} ${await response.text()}`);
  }
};

// A screen subscribed to the topic, so the trace reaches push-gateway's delivery.
const subscriber = spawn("dotnet", ["run", "--project", "tools/Cli", "--", "subscribe", "records/settings"], { stdio: "ignore" });
const traceId = randomBytes(16).toString("hex");
try {
  await sleep(10_000);
  await write(randomBytes(16).toString("hex")); // warms every service's first-use paths
  await sleep(2_000);
  await write(traceId);
} finally {
  setTimeout(() => subscriber.kill("SIGTERM"), 5_000);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // This machine's network is closed: no background connections; no sandbox as root.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(loginUrl); // the token in the URL signs the browser in
  // Services export every second: give the delivery's spans time to arrive, then render the trace.
  await page.waitForTimeout(4_000);
  await page.goto(new URL(`/traces/detail/${traceId}`, loginUrl).href);
  await page.getByText("change-notifier").first().waitFor(); // a Blazor page: wait until it has rendered
  // The notice that this machine has no trusted development certificate says nothing about the trace.
  await page.getByText("No trusted development certificate", { exact: true }).first()
    .evaluate((notice) => notice.closest("fluent-message-bar, [role=status], [role=alert]")?.remove())
    .catch(() => {});
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: output });
  console.log(`wrote ${output} (trace ${traceId})`);
} finally {
  await browser.close();
}
