import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

/** The running system's addresses, from the functional test that starts it. */
export const gateway = process.env["REALTIMESYNC_URL"] ?? "http://127.0.0.1:8080";
const odoo = process.env["ODOO_URL"];
const odooApiKey = process.env["ODOO_API_KEY"] ?? "";

export async function token(user: string): Promise<string> {
  const response = await fetch(`${gateway}/api/demo/token?user=${user}`);
  expect(response.ok, `demo token for ${user}`).toBe(true);
  return ((await response.json()) as { token: string }).token;
}

/** A write through the records API as a user, as another screen or a script would make it. */
export async function put(
  user: string,
  collection: string,
  id: string,
  body: Record<string, unknown>,
): Promise<{ version: number }> {
  const response = await fetch(`${gateway}/api/records/${collection}/${id}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${await token(user)}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok, `PUT ${collection}/${id}: ${response.status}`).toBe(true);
  return (await response.json()) as { version: number };
}

/** An edit in Odoo itself, over its JSON-2 API, as an Odoo user's save would make it. */
export async function odooCall(model: string, method: string, body: Record<string, unknown>): Promise<unknown> {
  expect(odoo, "ODOO_URL is set").toBeTruthy();
  const response = await fetch(`${odoo}/json/2/${model}/${method}`, {
    method: "POST",
    headers: { Authorization: `bearer ${odooApiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok, `Odoo ${model}.${method}: ${response.status}`).toBe(true);
  return response.json();
}

export interface Screen {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** A browser context signed in as `user`; `prepare` runs before the page loads (blocking transports, say). */
export async function signIn(
  browser: Browser,
  user: string,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<Screen> {
  const context = await browser.newContext({ baseURL: gateway });
  await prepare?.(context);
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("button", { name: new RegExp(`^${user} `) }).click();
  await expect(page.getByTestId("signed-in")).toHaveText(user);
  return { context, page };
}

export function indicator(page: Page) {
  return page.locator(".rs-sync-indicator");
}

/** A record id no other test uses. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
