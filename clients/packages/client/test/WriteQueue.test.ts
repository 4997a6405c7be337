import { describe, expect, it } from "vitest";
import { ConflictError } from "../src/records/ProblemError.js";
import { ApiClient } from "../src/records/ApiClient.js";
import { RecordsApi } from "../src/records/RecordsApi.js";
import { WriteQueue } from "../src/records/WriteQueue.js";
import { TokenSource } from "../src/TokenSource.js";
import { FakeFetch } from "./FakeFetch.js";

function api(http: FakeFetch, connectionId = "conn-1"): RecordsApi {
  return new RecordsApi(
    new ApiClient({
      baseUrl: "",
      fetch: http.fetch,
      tokens: new TokenSource(() => "tok"),
      connectionId: () => connectionId,
      requestTimeoutMs: 10_000,
    }),
  );
}

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));
const ok = (id: string, version: number) => ({
  collection: "settings",
  id,
  version,
  status: "updated",
  changedFields: [],
  ignoredFields: [],
  data: {},
});

describe("RecordsApi", () => {
  it("sends If-Match and the tab's connection id, and turns a 412 into a ConflictError with the current record", async () => {
    const http = new FakeFetch();
    const saving = api(http).put(
      "settings",
      "main",
      { email: "a@b.c" },
      { ifMatch: 3, preserveFields: ["companyName"] },
    );
    await flushPromises();
    const request = http.last;
    expect(request.init.method).toBe("PUT");
    expect(request.url.pathname + request.url.search).toBe("/api/records/settings/main?preserveFields=companyName");
    expect(http.header(request, "If-Match")).toBe('"3"');
    expect(http.header(request, "X-Connection-Id")).toBe("conn-1");
    request.reply(412, {
      status: 412,
      title: "Edit conflict",
      currentVersion: 5,
      current: { email: "x@y.z" },
      changedFields: ["email"],
    });
    const error = await saving.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).currentVersion).toBe(5);
    expect((error as ConflictError).current).toEqual({ email: "x@y.z" });
    expect((error as ConflictError).changedFields).toEqual(["email"]);
  });

  it("asks for a record's history a page at a time, after the version it is given", async () => {
    const http = new FakeFetch();
    const reading = api(http).history("settings", "main", 100, 50);
    await flushPromises();
    expect(http.last.init.method).toBe("GET");
    expect(http.last.url.pathname + http.last.url.search).toBe("/api/records/settings/main/history?since=100&limit=50");
    http.last.reply(200, { collection: "settings", id: "main", entries: [], nextSince: 100, hasMore: false });
    expect((await reading).hasMore).toBe(false);
  });
});

describe("WriteQueue", () => {
  it("holds writes made offline and sends them in order, in one batch, when the connection returns", async () => {
    const http = new FakeFetch();
    const queue = new WriteQueue(api(http));
    const pending: number[] = [];
    queue.events.on("pending", (count) => pending.push(count));
    const first = queue.enqueue({ method: "PUT", collection: "settings", id: "a", body: { n: 1 } });
    const second = queue.enqueue({ method: "PATCH", collection: "settings", id: "a", body: { n: 2 } });
    await flushPromises();
    expect(http.requests).toHaveLength(0);
    queue.setOnline(true);
    await flushPromises();
    expect(http.requests).toHaveLength(1);
    const body = JSON.parse(String(http.last.init.body)) as { operations: { method: string }[] };
    expect(body.operations.map((o) => o.method)).toEqual(["PUT", "PATCH"]);
    http.last.reply(200, {
      results: [
        { index: 0, status: 200, result: ok("a", 1) },
        { index: 1, status: 200, result: ok("a", 2) },
      ],
    });
    expect((await first).version).toBe(1);
    expect((await second).version).toBe(2);
    expect(pending).toEqual([1, 2, 0]);
  });

  it("keeps writes when the batch gets no answer, and sends them again when back online", async () => {
    const http = new FakeFetch();
    const queue = new WriteQueue(api(http));
    queue.setOnline(true);
    const write = queue.enqueue({ method: "PUT", collection: "settings", id: "a", body: {} });
    await flushPromises();
    http.last.fail(new TypeError("Failed to fetch"));
    await flushPromises();
    expect(queue.pending).toBe(1);
    queue.setOnline(false);
    queue.setOnline(true);
    await flushPromises();
    expect(http.requests).toHaveLength(2);
    http.last.reply(200, { results: [{ index: 0, status: 200, result: ok("a", 1) }] });
    expect((await write).version).toBe(1);
  });

  it("keeps writes when no token could be had for the batch, and sends them once one can", async () => {
    const http = new FakeFetch();
    let signedIn = false;
    const queue = new WriteQueue(
      new RecordsApi(
        new ApiClient({
          baseUrl: "",
          fetch: http.fetch,
          tokens: new TokenSource(() => {
            if (!signedIn) {
              throw new Error("sign-in is away");
            }
            return "tok";
          }),
          connectionId: () => "conn-1",
          requestTimeoutMs: 10_000,
        }),
      ),
    );
    queue.setOnline(true);
    const write = queue.enqueue({ method: "PUT", collection: "settings", id: "a", body: {} });
    await flushPromises();
    expect(http.requests).toHaveLength(0);
    expect(queue.pending).toBe(1);
    signedIn = true;
    queue.setOnline(false);
    queue.setOnline(true);
    await flushPromises();
    http.last.reply(200, { results: [{ index: 0, status: 200, result: ok("a", 1) }] });
    expect((await write).version).toBe(1);
  });

  it("rejects only the write the server refused, and goes on with the others", async () => {
    const http = new FakeFetch();
    const queue = new WriteQueue(api(http));
    const stale = queue.enqueue({ method: "PUT", collection: "settings", id: "a", body: {}, ifMatch: '"1"' });
    const fine = queue.enqueue({ method: "PUT", collection: "settings", id: "b", body: {} });
    queue.setOnline(true);
    await flushPromises();
    http.last.reply(200, {
      results: [
        {
          index: 0,
          status: 412,
          result: { status: 412, currentVersion: 4, current: {}, changedFields: ["x"] },
        },
        { index: 1, status: 200, result: ok("b", 1) },
      ],
    });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    expect((await fine).id).toBe("b");
  });

  it("sends a write queued by the handler of a refused one, as the flush ends", async () => {
    const http = new FakeFetch();
    const queue = new WriteQueue(api(http));
    queue.setOnline(true);
    const again = queue
      .enqueue({ method: "PUT", collection: "settings", id: "a", body: {}, ifMatch: '"1"' })
      .catch(() => queue.enqueue({ method: "PUT", collection: "settings", id: "a", body: {}, ifMatch: '"2"' }));
    await flushPromises();
    http.last.reply(200, {
      results: [{ index: 0, status: 412, result: { status: 412, currentVersion: 2, changedFields: [] } }],
    });
    await flushPromises();
    expect(http.requests).toHaveLength(2);
    http.last.reply(200, { results: [{ index: 0, status: 200, result: ok("a", 3) }] });
    expect((await again).version).toBe(3);
  });

  it("refuses a write beyond its bound at once", async () => {
    const queue = new WriteQueue(api(new FakeFetch()), { limit: 1 });
    void queue.enqueue({ method: "DELETE", collection: "settings", id: "a" });
    await expect(queue.enqueue({ method: "DELETE", collection: "settings", id: "b" })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
