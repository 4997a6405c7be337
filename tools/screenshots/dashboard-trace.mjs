// Takes the README's screenshot of one change's trace in the Aspire dashboard, with Debian's chromium
// (Playwright's own browser download cannot work here). With ./run running and one write made:
//   node dashboard-trace.mjs '<Dashboard: login URL that ./run printed>' [../../docs/images/dashboard-trace.png]
import { chromium } from "playwright-core";

const [loginUrl, output = "../../docs/images/dashboard-trace.png"] = process.argv.slice(2);
if (!loginUrl) {
  console.error("usage: node dashboard-trace.mjs <dashboard login URL> [output.png]");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // This machine's network is closed: no background connections, no sandbox as root.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.setDefaultTimeout(60_000);
  await page.goto(loginUrl); // the token in the URL signs the browser in
  await page.goto(new URL("/traces", loginUrl).href);
  // The dashboard is a Blazor app: wait for the rendered list, then open the newest write's trace.
  const write = page.getByRole("link", { name: /PUT/ }).first();
  await write.waitFor();
  await write.click();
  await page.getByText("change-notifier").first().waitFor();
  await page.waitForTimeout(1_000); // let the waterfall finish laying out
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
