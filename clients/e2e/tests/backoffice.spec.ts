import { expect, test } from "@playwright/test";
import { indicator, odooCall, put, signIn, unique, type Screen } from "./system.js";

// The bound is one second; the assertions allow a loaded CI machine three, and the test prints what it measured.
const Live = { timeout: 3_000 };

async function openMember(screen: Screen, id: string) {
  await screen.page.locator(`[data-testid=team] tr[data-id="${id}"]`).click();
  await expect(screen.page.getByTestId("form-team")).toBeVisible();
}

function field(screen: Screen, name: string) {
  return screen.page.getByTestId("form-team").locator(`input[name="${name}"]`);
}

test("an edit in one user's form appears in another user's list and form within a second", async ({ browser }) => {
  const id = unique("member");
  await put("dana", "team", id, { name: "Eve Martin", role: "Buyer", email: "eve@tru.example" });
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await expect(indicator(alice.page)).toHaveAttribute("data-state", "connected");
  await expect(indicator(bob.page)).toHaveAttribute("data-state", "connected");
  await openMember(alice, id);
  await openMember(bob, id);

  await field(alice, "role").fill("Lead buyer");
  await alice.page.getByTestId("form-team").getByRole("button", { name: "Save" }).click();
  await expect(alice.page.getByTestId("form-team").getByTestId("saved")).toBeVisible();
  const saved = Date.now();
  const row = bob.page.locator(`[data-testid=team] tr[data-id="${id}"] td[data-field=role]`);
  await expect(row).toHaveText("Lead buyer", Live);
  await expect(field(bob, "role")).toHaveValue("Lead buyer", Live);
  console.log(`alice's save reached bob's list and form in ${Date.now() - saved} ms`);
  await expect(row).toHaveClass(/changed/); // highlighted for a moment
  await expect(field(bob, "role")).toHaveClass(/changed/);
});

test("presence shows who else is editing which field", async ({ browser }) => {
  const id = unique("member");
  await put("dana", "team", id, { name: "Paul Roy", role: "Buyer" });
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await openMember(alice, id);
  await openMember(bob, id);
  await field(bob, "email").focus();
  await expect(alice.page.getByTestId("form-team").getByTestId("presence")).toHaveText("bob is editing Email", Live);
  await field(bob, "email").blur();
  await expect(alice.page.getByTestId("form-team").getByTestId("presence")).toHaveCount(0, Live);
});

test("a change to a field being edited warns, and saving over it shows the conflict notice", async ({ browser }) => {
  const id = unique("member");
  await put("dana", "team", id, { name: "Ines Blanc", role: "Buyer", bio: "first" });
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await openMember(alice, id);
  await openMember(bob, id);

  await field(bob, "bio").fill("bob's bio");
  await field(alice, "bio").fill("alice's bio");
  await field(alice, "role").fill("Head of purchasing");
  await alice.page.getByTestId("form-team").getByRole("button", { name: "Save" }).click();
  await expect(alice.page.getByTestId("form-team").getByTestId("saved")).toBeVisible();

  // Bob's untouched field follows silently; the one he is typing in is left alone, with a warning.
  await expect(field(bob, "role")).toHaveValue("Head of purchasing", Live);
  await expect(field(bob, "bio")).toHaveValue("bob's bio");
  await expect(bob.page.getByTestId("clash")).toContainText("alice changed Bio");

  await bob.page.getByTestId("form-team").getByRole("button", { name: "Save" }).click();
  const notice = bob.page.getByTestId("conflict");
  await expect(notice).toContainText("Edit conflict");
  await expect(notice).toContainText("Bio");
  await notice.getByRole("button", { name: "Keep mine" }).click();
  await expect(bob.page.getByTestId("conflict")).toHaveCount(0);
  await expect(field(alice, "bio")).toHaveValue("bob's bio", Live);
  await expect(field(alice, "role")).toHaveValue("Head of purchasing"); // bob's save kept alice's role
});

test("an edit saved elsewhere while another one is typed on a different field is merged, not a conflict", async ({
  browser,
}) => {
  const id = unique("member");
  await put("dana", "team", id, { name: "Lou Petit", role: "Buyer", email: "lou@tru.example" });
  const bob = await signIn(browser, "bob");
  await openMember(bob, id);
  await field(bob, "email").fill("lou.petit@tru.example");
  await put("alice", "team", id, { name: "Lou Petit", role: "Senior buyer", email: "lou@tru.example" });
  await expect(field(bob, "role")).toHaveValue("Senior buyer", Live);
  await bob.page.getByTestId("form-team").getByRole("button", { name: "Save" }).click();
  await expect(bob.page.getByTestId("form-team").getByTestId("saved")).toBeVisible();
  await expect(bob.page.getByTestId("conflict")).toHaveCount(0);
});

test("a purchase order changed in Odoo is updated and highlighted in the list", async ({ browser }) => {
  const alice = await signIn(browser, "alice");
  const orders = alice.page.getByTestId("orders");
  const first = orders.locator("tbody tr").first();
  await expect(first).toBeVisible();
  const id = Number(await first.getAttribute("data-id"));
  const total = 1000 + Math.floor(Math.random() * 8999);
  await odooCall("purchase.order", "write", { ids: [id], vals: { amount_total: total } });
  const cell = orders.locator(`tr[data-id="${id}"] td[data-field=amount_total]`);
  await expect(cell).toHaveText(total.toFixed(2), { timeout: 15_000 }); // odoo-ingest's run interval, then the push
  await expect(cell).toHaveClass(/changed/);
  await expect(orders.locator(`tr[data-id="${id}"]`)).toHaveClass(/flash/);
});

test("with WebSocket blocked the page falls back to SSE and still updates", async ({ browser }) => {
  const screen = await signIn(browser, "carol", (context) => context.routeWebSocket(/\/ws/, (ws) => ws.close()));
  await expect(indicator(screen.page)).toHaveAttribute("data-state", "degraded");
  await expect(indicator(screen.page)).toHaveAttribute("data-transport", "sse");
  const company = `TRU ${unique("co")}`;
  await put("alice", "settings", "main", { companyName: company, email: "contact@tru.example" });
  await expect(screen.page.getByTestId("form-settings").locator('input[name="companyName"]')).toHaveValue(
    company,
    Live,
  );
});

test("offline and back online, nothing is missed and the indicator shows each state", async ({ browser }) => {
  const id = unique("member");
  await put("dana", "team", id, { name: "Noor Haddad", role: "Buyer" });
  const bob = await signIn(browser, "bob");
  await openMember(bob, id);
  await expect(indicator(bob.page)).toHaveAttribute("data-state", "connected");

  await bob.context.setOffline(true);
  await expect(indicator(bob.page)).toHaveAttribute("data-state", "reconnecting");
  let last = { version: 0 };
  for (const role of ["Buyer 1", "Buyer 2", "Buyer 3"]) {
    last = await put("alice", "team", id, { name: "Noor Haddad", role });
  }
  await bob.context.setOffline(false);
  await expect(indicator(bob.page)).toHaveAttribute("data-state", "connected", { timeout: 15_000 });
  await expect(field(bob, "role")).toHaveValue("Buyer 3");
  await expect(bob.page.getByTestId("form-team").getByTestId("version")).toHaveText(`version ${last.version}`);
  await expect(bob.page.locator(`[data-testid=team] tr[data-id="${id}"] td[data-field=role]`)).toHaveText("Buyer 3");
});

test("a hidden page stops polling and catches up at once when shown", async ({ browser }) => {
  const screen = await signIn(browser, "carol", async (context) => {
    await context.routeWebSocket(/\/ws/, (ws) => ws.close());
    await context.route("**/api/sync/stream**", (route) => route.abort());
  });
  await expect(indicator(screen.page)).toHaveAttribute("data-transport", "polling");
  const polls: number[] = [];
  screen.page.on("request", (request) => {
    if (request.url().includes("/api/sync/poll")) {
      polls.push(Date.now());
    }
  });
  await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThan(0);

  await screen.page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  const hiddenAt = Date.now();
  // Absence needs a window: three of the client's 3 s poll intervals, while a change is written.
  const company = `TRU ${unique("hidden")}`;
  await put("alice", "settings", "main", { companyName: company, email: "contact@tru.example" });
  await screen.page.waitForTimeout(9_000);
  expect(polls.filter((at) => at > hiddenAt + 500)).toEqual([]);

  await screen.page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await expect(screen.page.getByTestId("form-settings").locator('input[name="companyName"]')).toHaveValue(
    company,
    Live,
  );
});
