import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeCursor, encodeCursor, type ServerFrame, type TopicPosition } from "../src/protocol.js";
import { ApiClient } from "../src/records/ApiClient.js";
import { TokenSource } from "../src/TokenSource.js";
import { PollingTransport } from "../src/transports/PollingTransport.js";
import type { TransportClosure, TransportContext } from "../src/transports/Transport.js";
import { FakeFetch } from "./FakeFetch.js";

let http: FakeFetch;
let frames: ServerFrame[];
let closures: TransportClosure[];
let hidden: boolean;
let positions: Map<string, TopicPosition>;
let tokens: number;
let tokenFails: boolean;

function transport(): PollingTransport {
  const context: TransportContext = {
    baseUrl: "http://gateway.test",
    connectionId: "tab-1",
    token: () => Promise.resolve("unused"),
    http: new ApiClient({
      baseUrl: "http://gateway.test",
      fetch: http.fetch,
      // The app's token provider: each call gives the next token (t0, then t1 once the server refused t0).
      tokens: new TokenSource(() => {
        if (tokenFails) {
          throw new Error("sign-in is away");
        }
        return `t${tokens++}`;
      }),
      connectionId: () => undefined,
      requestTimeoutMs: 10_000,
    }),
    topics: () => ["records/settings"],
    positions: () => positions,
    hidden: () => hidden,
  };
  return new PollingTransport(
    context,
    { frame: (f) => frames.push(f), closed: (c) => closures.push(c) },
    { intervalMs: 3000 },
  );
}

const answer = (cursor: Record<string, [string, number]>, messages: unknown[] = [], resync: unknown[] = []) => ({
  success: true,
  messages,
  cursor: encodeCursor(new Map(Object.entries(cursor).map(([t, [epoch, offset]]) => [t, { epoch, offset }]))),
  resync,
});

beforeEach(() => {
  vi.useFakeTimers();
  http = new FakeFetch();
  frames = [];
  closures = [];
  hidden = false;
  positions = new Map();
  tokens = 0;
  tokenFails = false;
});

afterEach(() => vi.useRealTimers());

describe("PollingTransport", () => {
  it("reports a poll that got no token as a closure of a transport never tried, sending nothing", async () => {
    tokenFails = true;
    transport().open();
    await vi.waitFor(() => expect(closures).toHaveLength(1));

    expect(closures[0]).toMatchObject({ established: false, untried: true });
    expect(http.requests).toHaveLength(0);
  });

  it("polls with the client's positions as the cursor and its connection id, and yields welcome, subscribed and messages", async () => {
    positions.set("users/alice", { epoch: "u", offset: 2 });
    const polling = transport();
    polling.open();
    await vi.advanceTimersByTimeAsync(0);
    const request = http.last;
    expect(request.url.pathname).toBe("/api/sync/poll");
    expect(request.url.searchParams.get("topics")).toBe("records/settings");
    expect(request.url.searchParams.get("connectionId")).toBe("tab-1");
    expect(Object.fromEntries(decodeCursor(request.url.searchParams.get("cursor") ?? ""))).toEqual({
      "users/alice": { epoch: "u", offset: 2 },
    });
    expect(http.header(request, "Authorization")).toBe("Bearer t0");
    request.reply(
      200,
      answer({ "records/settings": ["e1", 7], "users/alice": ["u", 3] }, [
        { topic: "users/alice", offset: 3, epoch: "u", type: "note", payload: {} },
      ]),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(frames.map((f) => f.type)).toEqual(["welcome", "subscribed", "note"]);
    expect(frames[1]).toEqual({
      type: "subscribed",
      topics: ["records/settings"],
      positions: { "records/settings": { epoch: "e1", offset: 7 } },
    });
  });

  it("polls again after the interval, and not at all while the page is hidden; showing it polls at once", async () => {
    const polling = transport();
    polling.open();
    await vi.advanceTimersByTimeAsync(0);
    http.last.reply(200, answer({}));
    await vi.advanceTimersByTimeAsync(2999);
    expect(http.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(http.requests).toHaveLength(2);
    http.last.reply(200, answer({}));
    hidden = true;
    polling.visibilityChanged(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(http.requests).toHaveLength(2);
    hidden = false;
    polling.visibilityChanged(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(http.requests).toHaveLength(3);
  });

  it("asks for a fresh token once on 401, and reports the server's resync entries", async () => {
    const polling = transport();
    polling.open();
    await vi.advanceTimersByTimeAsync(0);
    http.last.reply(401, { status: 401 });
    await vi.advanceTimersByTimeAsync(0);
    expect(http.requests).toHaveLength(2);
    expect(http.header(http.last, "Authorization")).toBe("Bearer t1");
    http.last.reply(
      200,
      answer({}, [], [{ topic: "records/settings", reason: "history gone", epoch: "e2", offset: 9 }]),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(frames).toContainEqual({
      type: "resync",
      topic: "records/settings",
      reason: "history gone",
      epoch: "e2",
      offset: 9,
    });
  });

  it("closes, saying whether it had worked, when a poll fails", async () => {
    const polling = transport();
    polling.open();
    await vi.advanceTimersByTimeAsync(0);
    http.last.reply(200, answer({}));
    await vi.advanceTimersByTimeAsync(3000);
    http.last.fail(new TypeError("Failed to fetch"));
    await vi.advanceTimersByTimeAsync(0);
    expect(closures).toHaveLength(1);
    expect(closures[0]?.established).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(http.requests).toHaveLength(2);
  });
});
