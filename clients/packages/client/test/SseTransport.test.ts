import { beforeEach, describe, expect, it, vi } from "vitest";
import { decodeCursor, type ServerFrame, type TopicPosition } from "../src/protocol.js";
import { SseTransport } from "../src/transports/SseTransport.js";
import type { TransportClosure } from "../src/transports/Transport.js";
import { transportContext } from "./transportContext.js";

/** An EventSource the test drives: it records the streams opened and delivers named events. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  readonly url: URL;
  readonly listeners = new Map<string, (event: MessageEvent) => void>();
  onerror: (() => void) | null = null;
  closed = false;

  constructor(url: string) {
    this.url = new URL(url, "http://gateway.test");
    FakeEventSource.opened.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void): void {
    this.listeners.set(type, listener);
  }

  close(): void {
    this.closed = true;
  }

  static at(index: number): FakeEventSource {
    const source = FakeEventSource.opened[index];
    if (!source) {
      throw new Error(`no event stream #${index} was opened`);
    }
    return source;
  }

  emit(type: string, data: unknown): void {
    this.listeners.get(type)?.({ data: JSON.stringify(data) } as MessageEvent);
  }
}

let topics: string[];
let positions: Map<string, TopicPosition>;
let frames: ServerFrame[];
let closures: TransportClosure[];

function transport(): SseTransport {
  const context = transportContext(
    () => topics,
    () => positions,
  );
  return new SseTransport(
    context,
    { frame: (f) => frames.push(f), closed: (c) => closures.push(c) },
    FakeEventSource as unknown as typeof EventSource,
  );
}

beforeEach(() => {
  FakeEventSource.opened = [];
  topics = ["records/settings"];
  positions = new Map([["records/settings", { epoch: "e1", offset: 7 }]]);
  frames = [];
  closures = [];
});

describe("SseTransport", () => {
  it("opens one stream with the app's topics, the token and the client's positions as Last-Event-ID", async () => {
    transport().open();
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const url = FakeEventSource.at(0).url;
    expect(url.pathname).toBe("/api/sync/stream");
    expect(url.searchParams.get("topics")).toBe("records/settings");
    expect(url.searchParams.get("access_token")).toBe("tok");
    expect(Object.fromEntries(decodeCursor(url.searchParams.get("lastEventId") ?? ""))).toEqual({
      "records/settings": { epoch: "e1", offset: 7 },
    });
  });

  it("delivers messages and named control events as frames", async () => {
    transport().open();
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const source = FakeEventSource.at(0);
    source.emit("welcome", { type: "welcome", connectionId: "c", userId: "carol" });
    source.emit("message", { topic: "records/settings", offset: 8, epoch: "e1", type: "record.updated", payload: {} });
    expect(frames.map((f) => f.type)).toEqual(["welcome", "record.updated"]);
  });

  it("does not reopen for the user's own topics, and reopens from the current positions for a new app topic", async () => {
    const sse = transport();
    sse.open();
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    sse.subscribe(["users/carol", "broadcast", "records/settings"]);
    await Promise.resolve();
    expect(FakeEventSource.opened).toHaveLength(1);

    topics = ["records/settings", "records/team"];
    positions.set("records/settings", { epoch: "e1", offset: 9 });
    sse.subscribe(["records/team"]);
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(2));
    expect(FakeEventSource.at(0).closed).toBe(true);
    const reopened = FakeEventSource.at(1).url;
    expect(reopened.searchParams.get("topics")).toBe("records/settings,records/team");
    expect(decodeCursor(reopened.searchParams.get("lastEventId") ?? "").get("records/settings")).toEqual({
      epoch: "e1",
      offset: 9,
    });
  });

  it("reports an error as a closure, saying whether the stream had worked", async () => {
    transport().open();
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const source = FakeEventSource.at(0);
    source.emit("welcome", { type: "welcome", connectionId: "c", userId: "carol" });
    source.onerror?.();
    expect(closures).toEqual([{ reason: "event stream failed", established: true }]);
    expect(source.closed).toBe(true);
  });
});
