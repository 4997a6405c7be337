import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RealtimeClient } from "../src/RealtimeClient.js";
import { CloseCodes } from "../src/protocol.js";
import type { RealtimeClientOptions } from "../src/RealtimeClientOptions.js";
import type { ChangeMessage } from "../src/protocol.js";
import type { StateChange } from "../src/ConnectionState.js";
import type { ResyncInfo, SubscribedInfo } from "../src/TopicStream.js";
import { FakeNetwork, FakeVisibility, MemoryStorage, token, type FakeTransport } from "./FakeTransport.js";

let network: FakeNetwork;
let memory: MemoryStorage;
let visibility: FakeVisibility;

function client(options: Partial<RealtimeClientOptions> = {}): { client: RealtimeClient; states: StateChange[] } {
  const made = new RealtimeClient({
    getToken: () => token(3600),
    transportFactories: network.factories(),
    sessionMemory: memory,
    visibility,
    random: () => 0,
    fetch: () => Promise.reject(new Error("no HTTP in this test")),
    ...options,
  });
  const states: StateChange[] = [];
  made.on("state", (change) => states.push(change));
  return { client: made, states };
}

/** The browser's online state, driven by the test: `set` changes it and tells the client, as the browser's events do. */
function browserNetwork(online: boolean) {
  const listeners = new Set<(online: boolean) => void>();
  const browser = {
    online,
    onChange: (listener: (online: boolean) => void) => (listeners.add(listener), () => listeners.delete(listener)),
    set(now: boolean) {
      browser.online = now;
      listeners.forEach((listener) => listener(now));
    },
  };
  return browser;
}

/** Lets the client's promise chains (token requests) settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** Lets time pass on a healthy connection: the server's heartbeat every 15 s, as it sends it. */
async function quietly(transport: FakeTransport, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 15_000) {
    await vi.advanceTimersByTimeAsync(Math.min(15_000, left));
    transport.deliver({ type: "heartbeat" });
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  network = new FakeNetwork();
  memory = new MemoryStorage();
  visibility = new FakeVisibility();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("RealtimeClient connection", () => {
  it("connects over WebSocket and subscribes every held topic once welcomed", () => {
    const { client: c, states } = client();
    c.subscribe("records/settings");
    c.connect();
    const ws = network.last;
    expect(ws.kind).toBe("websocket");
    expect(c.state).toBe("connecting");
    ws.welcome();
    expect(c.state).toBe("connected");
    expect(c.transportKind).toBe("websocket");
    expect(ws.subscribes).toEqual([{ topics: ["users/alice", "broadcast", "records/settings"], from: {} }]);
    expect(states.map((s) => s.current)).toEqual(["connecting", "connected"]);
    expect(c.connectionId).toBe("websocket-conn");
  });

  it("resumes every topic from its last offset after a reconnection, with backoff, dropping what it already has", async () => {
    const { client: c, states } = client({ backoff: { initialMs: 500, jitter: 0 } });
    const received: number[] = [];
    const subscribed: SubscribedInfo[] = [];
    const subscription = c.subscribe("records/settings");
    subscription.on("message", (m) => received.push(m.offset));
    subscription.on("subscribed", (info) => subscribed.push(info));
    c.connect();
    const first = network.last;
    first.welcome();
    first.deliver({
      type: "subscribed",
      topics: ["records/settings"],
      positions: { "records/settings": { epoch: "e1", offset: 4 } },
    });
    first.message("records/settings", 5);
    first.message("records/settings", 6);
    first.fail(true);
    expect(c.state).toBe("reconnecting");
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const second = network.last;
    expect(second).not.toBe(first);
    second.welcome("alice", "other-instance");
    expect(second.subscribes[0]?.from).toEqual({ "records/settings": { epoch: "e1", offset: 6 } });
    second.deliver({ type: "subscribed", topics: ["records/settings"] });
    second.message("records/settings", 6); // a replay overlapping what came before
    second.message("records/settings", 7);
    expect(received).toEqual([5, 6, 7]);
    expect(subscribed.at(-1)).toEqual({
      topic: "records/settings",
      wasRecovering: true,
      recovered: true,
      epoch: "e1",
      offset: 6,
    });
    expect(states.map((s) => s.current)).toEqual(["connecting", "connected", "reconnecting", "connected"]);
  });

  it("grows the delay between failed attempts and ends in failed at the attempt limit; retry() starts again", async () => {
    const { client: c } = client({
      backoff: { initialMs: 100, jitter: 0 },
      maxReconnectAttempts: 3,
      transports: ["websocket"],
    });
    c.connect();
    network.last.welcome();
    network.last.fail(true);
    for (const delay of [100, 200, 400]) {
      const before = network.opened.length;
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(network.opened).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(network.opened).toHaveLength(before + 1);
      network.last.fail(false);
    }
    expect(c.state).toBe("failed");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(network.opened).toHaveLength(4);
    c.retry();
    expect(c.state).toBe("connecting");
    expect(network.opened).toHaveLength(5);
    network.last.welcome();
    expect(c.state).toBe("connected");
  });

  it("falls back to SSE, then polling, when a transport never works, remembers it, and a new page starts there", () => {
    const { client: c } = client();
    c.connect();
    network.last.fail(false); // refused upgrade
    expect(network.last.kind).toBe("sse");
    network.last.fail(false); // a proxy that buffers event streams
    expect(network.last.kind).toBe("polling");
    network.last.welcome("alice", "ignored");
    expect(c.state).toBe("degraded");
    expect(c.transportKind).toBe("polling");
    expect(c.connectionQuality.degraded).toBe(true);
    expect(memory.getItem("realtimesync.transport")).toBe("polling");

    const { client: next } = client();
    next.connect();
    expect(network.last.kind).toBe("polling");
  });

  it("stays on WebSocket when it fails soon after having worked here (a server restart), and leaves it after three failures in a row", async () => {
    const { client: c } = client({ backoff: { initialMs: 1_000, jitter: 0 } });
    c.connect();
    network.last.welcome();
    network.last.fail(true); // the server went away
    await vi.advanceTimersByTimeAsync(1_000);
    network.last.fail(false); // still away: refused before any welcome
    expect(network.opened).toHaveLength(2); // no SSE at once: a backoff wait, on the same rung
    await vi.advanceTimersByTimeAsync(2_000);
    network.last.fail(false);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(network.opened.map((transport) => transport.kind)).toEqual([
      "websocket",
      "websocket",
      "websocket",
      "websocket",
    ]);
    network.last.fail(false); // three in a row: a proxy that now blocks WebSocket, say
    expect(network.last.kind).toBe("sse");
    network.last.welcome();
    expect(c.state).toBe("degraded");
  });

  it("counts only failures in a row: a welcome in between starts the patience over", async () => {
    const { client: c } = client({ backoff: { initialMs: 1_000, jitter: 0 } });
    c.connect();
    network.last.welcome();
    for (let round = 0; round < 3; round++) {
      network.last.fail(true);
      await vi.advanceTimersByTimeAsync(1_000);
      network.last.fail(false);
      await vi.advanceTimersByTimeAsync(2_000);
      network.last.fail(false);
      await vi.advanceTimersByTimeAsync(4_000);
      network.last.welcome(); // back on the third attempt
    }
    expect(new Set(network.opened.map((transport) => transport.kind))).toEqual(new Set(["websocket"]));
    expect(c.state).toBe("connected");
  });

  it("does not step down when the server refuses this user before a welcome (too many connections)", async () => {
    const { client: c } = client({ backoff: { initialMs: 1_000, jitter: 0 } });
    c.connect();
    network.last.fail(false, CloseCodes.tooManyConnections);
    expect(network.opened).toHaveLength(1); // no SSE at once, which the cap would refuse too
    await vi.advanceTimersByTimeAsync(1_000);
    expect(network.last.kind).toBe("websocket");
    expect(c.state).toBe("reconnecting");
  });

  it("goes straight to the next transport where this runtime cannot make one", () => {
    vi.stubGlobal("WebSocket", undefined); // a runtime without WebSocket (Node before 22, say)
    const { sse, polling } = network.factories();
    const { client: c } = client({ transportFactories: { sse, polling } });
    c.connect();
    expect(network.opened.map((transport) => transport.kind)).toEqual(["sse"]);
    network.last.welcome();
    expect(c.state).toBe("degraded");
  });

  it("does not step down when the welcome is late because the app's token is late (a slow sign-in)", async () => {
    const { client: c } = client({
      getToken: () => new Promise<string>(() => {}),
      backoff: { initialMs: 1_000, jitter: 0 },
    });
    c.connect();
    void network.last.context.token(); // the transport asks, and waits
    await vi.advanceTimersByTimeAsync(5_000);
    expect(network.last.closedByClient).toBe(true);
    expect(network.opened).toHaveLength(1); // no SSE at once
    await vi.advanceTimersByTimeAsync(1_000);
    expect(network.last.kind).toBe("websocket");
    expect(c.state).toBe("reconnecting");
  });

  it("does not step down when there was no token to try the transport with", async () => {
    const { client: c } = client({ backoff: { initialMs: 1_000, jitter: 0 } });
    c.connect();
    network.last.fail(false, undefined, true); // the sign-in endpoint is away: WebSocket was never tried
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(network.last.kind).toBe("websocket");
    expect(memory.getItem("realtimesync.transport")).not.toBe("sse");
    network.last.welcome();
    expect(c.state).toBe("connected");
  });

  it("takes a WebSocket that opens but sends no welcome (a proxy that drops frames) as not working", async () => {
    const { client: c } = client({ welcomeTimeoutMs: 5000 });
    c.connect();
    const ws = network.last;
    await vi.advanceTimersByTimeAsync(5000);
    expect(ws.closedByClient).toBe(true);
    expect(network.last.kind).toBe("sse");
    expect(c.state).toBe("connecting"); // a first connection tries the next transport at once
  });

  it("climbs back to WebSocket from a fallback once it works again, and resumes on it", async () => {
    memory.setItem("realtimesync.transport", "sse");
    const { client: c } = client({ upgradeIntervalMs: 30_000 });
    c.subscribe("records/team");
    c.connect();
    const sse = network.last;
    expect(sse.kind).toBe("sse");
    sse.welcome();
    sse.message("records/team", 3);
    expect(c.state).toBe("degraded");
    await quietly(sse, 30_000);
    const probe = network.last;
    expect(probe.kind).toBe("websocket");
    expect(c.transportKind).toBe("sse"); // still on SSE until the probe is welcomed
    probe.welcome();
    expect(sse.closedByClient).toBe(true);
    expect(c.state).toBe("connected");
    expect(probe.subscribes[0]?.from).toEqual({ "records/team": { epoch: "e1", offset: 3 } });
    expect(memory.getItem("realtimesync.transport")).toBe("websocket");
  });

  it("reconnects when no frame comes within the heartbeat timeout the server gave", async () => {
    const { client: c } = client();
    c.connect();
    const ws = network.last;
    ws.welcome();
    await vi.advanceTimersByTimeAsync(29_000);
    ws.deliver({ type: "heartbeat" });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(c.state).toBe("connected");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ws.closedByClient).toBe(true);
    expect(c.state).toBe("reconnecting");
  });
});

describe("RealtimeClient resync", () => {
  it("runs the app's loader on resync, holds messages meanwhile, then carries on past the given position", async () => {
    const { client: c } = client();
    let finishLoad: () => void = () => {};
    const loads: ResyncInfo[] = [];
    const received: number[] = [];
    const subscription = c.subscribe("records/settings", {
      load: (info) => {
        loads.push(info);
        return new Promise<void>((resolve) => (finishLoad = resolve));
      },
    });
    subscription.on("message", (m: ChangeMessage) => received.push(m.offset));
    const resyncs: ResyncInfo[] = [];
    c.on("resync", (info) => resyncs.push(info));
    c.connect();
    const ws = network.last;
    ws.welcome();
    ws.deliver({ type: "resync", topic: "records/settings", reason: "history gone", epoch: "e2", offset: 40 });
    ws.message("records/settings", 41, "e2");
    ws.message("records/settings", 40, "e2");
    expect(loads).toEqual([{ topic: "records/settings", reason: "history gone", epoch: "e2", offset: 40 }]);
    expect(resyncs).toHaveLength(1);
    expect(received).toEqual([]);
    finishLoad();
    await settle();
    expect(received).toEqual([41]);
    ws.message("records/settings", 42, "e2");
    expect(received).toEqual([41, 42]);
  });
});

describe("RealtimeClient tokens", () => {
  it("asks for a new token after the server's token-expired close and reconnects with it", async () => {
    let calls = 0;
    const { client: c } = client({
      getToken: () => {
        calls++;
        return token(3600);
      },
      backoff: { initialMs: 100, jitter: 0 },
    });
    c.connect();
    await settle();
    const before = calls;
    network.last.welcome();
    network.last.fail(true, 4001);
    await settle();
    expect(calls).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(100);
    expect(network.opened).toHaveLength(2);
  });

  it("sends a fresh token over the socket before the current one expires", async () => {
    const { client: c } = client({ getToken: () => token(600) });
    c.connect();
    const ws = network.last;
    await ws.context.token();
    ws.welcome();
    await quietly(ws, 539_000);
    expect(ws.commands.filter((frame) => frame["type"] === "auth")).toHaveLength(0);
    await quietly(ws, 2_000);
    expect(ws.commands.filter((frame) => frame["type"] === "auth")).toHaveLength(1);
  });
});

describe("RealtimeClient page visibility and quality", () => {
  it("tells the transport when the page hides and shows (polling rests and catches up)", () => {
    memory.setItem("realtimesync.transport", "polling");
    const { client: c } = client();
    c.connect();
    network.last.welcome();
    visibility.set(true);
    visibility.set(false);
    expect(network.last.visibility).toEqual([true, false]);
  });

  it("rests a hidden tab's WebSocket when asked to, and reconnects when it shows again", async () => {
    const { client: c } = client({ hiddenRestMs: 60_000 });
    c.connect();
    const ws = network.last;
    ws.welcome();
    visibility.set(true);
    await quietly(ws, 59_000);
    expect(ws.closedByClient).toBe(false);
    await quietly(ws, 1_000);
    expect(ws.closedByClient).toBe(true);
    expect(c.state).toBe("disconnected");
    visibility.set(false);
    expect(c.state).toBe("connecting");
    expect(network.opened).toHaveLength(2);
  });

  it("measures the round trip from ping and pong, and is degraded when a pong is late", async () => {
    vi.setSystemTime(1_000);
    const { client: c } = client({ pingIntervalMs: 10_000 });
    c.connect();
    const ws = network.last;
    ws.welcome();
    expect(ws.commands).toEqual([{ type: "ping" }]); // at once, so a round trip shows from the start
    vi.setSystemTime(1_040);
    ws.deliver({ type: "pong" });
    expect(c.connectionQuality.rttMs).toBe(40);
    expect(c.connectionQuality.degraded).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ws.commands.filter((frame) => frame["type"] === "ping")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000); // the next finds the last unanswered
    expect(c.connectionQuality.degraded).toBe(true);
  });
});

describe("RealtimeClient network", () => {
  it("ends the connection when the browser goes offline and reconnects at once, resuming, when it is back", async () => {
    const browser = browserNetwork(true);
    const { client: c, states } = client({ network: browser, backoff: { initialMs: 10_000, jitter: 0 } });
    c.subscribe("records/settings");
    c.connect();
    const first = network.last;
    first.welcome();
    first.message("records/settings", 4);
    browser.set(false);
    expect(first.closedByClient).toBe(true);
    expect(c.state).toBe("reconnecting");
    browser.set(true);
    const second = network.last;
    expect(second).not.toBe(first); // no 10 s backoff wait
    second.welcome();
    expect(second.subscribes[0]?.from).toEqual({ "records/settings": { epoch: "e1", offset: 4 } });
    expect(states.map((s) => s.current)).toEqual(["connecting", "connected", "reconnecting", "connected"]);
  });
  it("does not step down while the browser is offline, and comes back on WebSocket", async () => {
    const browser = browserNetwork(false);
    const { client: c } = client({ network: browser, backoff: { initialMs: 1_000, jitter: 0 } });
    c.connect(); // a page opened offline: nothing is known of its transports yet
    network.last.fail(false);
    await vi.advanceTimersByTimeAsync(1_000);
    network.last.fail(false);
    expect(network.opened.map((transport) => transport.kind)).toEqual(["websocket", "websocket"]);
    expect(memory.getItem("realtimesync.transport")).not.toBe("sse");
    browser.set(true);
    expect(network.last.kind).toBe("websocket");
    expect(network.opened).toHaveLength(3);
    network.last.welcome();
    expect(c.state).toBe("connected");
  });
  it("starts counting failures in a row over once the browser is back online", async () => {
    const browser = browserNetwork(true);
    const { client: c } = client({ network: browser, backoff: { initialMs: 1_000, jitter: 0 } });
    c.connect();
    network.last.welcome();
    network.last.fail(true);
    await vi.advanceTimersByTimeAsync(1_000);
    network.last.fail(false);
    await vi.advanceTimersByTimeAsync(2_000);
    network.last.fail(false); // two absorbed
    browser.set(false);
    browser.set(true); // back, at once on WebSocket
    network.last.fail(false); // the network is not quite there yet: one failure, not the third in a row
    expect(network.last.kind).toBe("websocket");
    expect(c.state).toBe("reconnecting");
  });

  it("does not step down for an attempt that began offline, even if it fails once the browser is back", async () => {
    const browser = { online: false, onChange: () => () => {} };
    const { client: c } = client({ network: browser, backoff: { initialMs: 1_000, jitter: 0 } });
    c.connect();
    browser.online = true; // back, before the attempt made offline has failed
    network.last.fail(false);
    expect(network.opened).toHaveLength(1); // no SSE at once
    await vi.advanceTimersByTimeAsync(1_000);
    expect(network.last.kind).toBe("websocket");
    network.last.welcome();
    expect(c.state).toBe("connected");
  });
});

describe("RealtimeClient presence", () => {
  it("joins over WebSocket, joins again after a reconnection, and keeps the roster from the server's frames", async () => {
    const { client: c } = client({ backoff: { initialMs: 100, jitter: 0 } });
    c.connect();
    const ws = network.last;
    ws.welcome();
    expect(c.presence.join("records/po/7", { editing: "partner_ref" })).toBe(true);
    expect(ws.commands).toContainEqual({ type: "join", topic: "records/po/7", state: { editing: "partner_ref" } });
    const changes: number[] = [];
    c.presence.on("change", (change) => changes.push(change.members.length));
    ws.deliver({
      type: "presence",
      topic: "records/po/7",
      event: "snapshot",
      members: [{ connectionId: "a", userId: "alice" }],
    });
    ws.deliver({
      type: "presence",
      topic: "records/po/7",
      event: "join",
      member: { connectionId: "b", userId: "bob", state: { editing: "notes" } },
    });
    expect(c.presence.members("records/po/7").map((m) => m.userId)).toEqual(["alice", "bob"]);
    ws.deliver({
      type: "presence",
      topic: "records/po/7",
      event: "leave",
      member: { connectionId: "a", userId: "alice" },
    });
    expect(changes).toEqual([1, 2, 1]);
    ws.fail(true);
    expect(c.presence.members("records/po/7")).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    network.last.welcome();
    expect(network.last.commands).toContainEqual({
      type: "join",
      topic: "records/po/7",
      state: { editing: "partner_ref" },
    });
  });

  it("cannot join over SSE, and joins once WebSocket is back", () => {
    memory.setItem("realtimesync.transport", "sse");
    const { client: c } = client();
    c.connect();
    network.last.welcome();
    expect(c.presence.join("records/po/7")).toBe(false);
  });
});
