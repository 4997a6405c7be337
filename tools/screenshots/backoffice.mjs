// Takes docs/images/backoffice.png from a running system (./run): alice's page while bob edits a team member's
// email and Odoo's demo writer changes purchase orders. Usage: node backoffice.mjs http://127.0.0.1:8080
import { chromium } from "playwright-core";

const gateway = process.argv[2] ?? "http://127.0.0.1:8080";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const token = async (user) => (await (await fetch(`${gateway}/api/demo/token?user=${user}`)).json()).token;
const put = async (path, body) =>
  fetch(`${gateway}/api/records/${path}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${await token("dana")}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
await put("settings/main", { companyName: "TRU Group", email: "contact@tru.example", phone: "+33 1 23 45 67 89" });
await put("team/ada", { name: "Ada Martin", role: "Purchasing lead", email: "ada@tru.example" });
await put("team/noor", { name: "Noor Haddad", role: "Buyer", email: "noor@tru.example" });

async function screen(user) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await page.goto(gateway);
  await page.getByRole("button", { name: new RegExp(`^${user} `) }).click();
  await page.locator('[data-testid=team] tr[data-id="ada"]').click();
  return page;
}
const alice = await screen("alice");
const bob = await screen("bob");
await bob.getByTestId("form-team").locator('input[name="email"]').focus();
await alice.getByTestId("presence").waitFor();
await put("team/noor", { name: "Noor Haddad", role: "Senior buyer", email: "noor@tru.example" });
await alice.locator(".rs-sync-indicator button").click();
await alice.waitForTimeout(400); // the highlight at its brightest
await alice.screenshot({ path: new URL("../../docs/images/backoffice.png", import.meta.url).pathname });
await browser.close();
