import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../src/protocol.js";
import type { TransportClosure } from "../src/transports/Transport.js";
import { LINES_SUBPROTOCOL, WebSocketTransport } from "../src/transports/WebSocketTransport.js";
import { transportContext } from "./transportContext.js";

/** A WebSocket the test drives: it records how it was opened and delivers messages. */
class FakeWebSocket {
  static opened: FakeWebSocket[] = [];
  readonly url: URL;
  readonly protocols: string | string[] | undefined;
  readyState = 1;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;

  constructor(url: string, protocols?: string | string[]) {
    this.url = new URL(url);
    this.protocols = protocols;
    FakeWebSocket.opened.push(this);
  }

  send(): void {}

  close(): void {}

  receive(data: string): void {
    this.onmessage?.({ data } as MessageEvent);
  }
}

let frames: ServerFrame[];
let closures: TransportClosure[];

function transport(token?: () => Promise<string>): WebSocketTransport {
  const context = token ? { ...transportContext(), token } : transportContext();
  return new WebSocketTransport(
    context,
    { frame: (frame) => frames.push(frame), closed: (closure) => closures.push(closure) },
    FakeWebSocket as unknown as new (url: string, protocols?: string | string[]) => WebSocket,
  );
}

async function opened(): Promise<FakeWebSocket> {
  await vi.waitFor(() => expect(FakeWebSocket.opened).toHaveLength(1));
  const [socket] = FakeWebSocket.opened;
  if (!socket) {
    throw new Error("no WebSocket was opened");
  }
  return socket;
}

describe("WebSocketTransport", () => {
  beforeEach(() => {
    FakeWebSocket.opened = [];
    frames = [];
    closures = [];
  });

  it("asks for line-packed messages and reads every line of one as its own frame, in order", async () => {
    const socket = transport();
    socket.open();
    const ws = await opened();

    expect(ws.protocols).toEqual([LINES_SUBPROTOCOL]);
    expect(ws.url.pathname).toBe("/ws");
    ws.receive(
      [
        JSON.stringify({ type: "welcome", connectionId: "c1" }),
        JSON.stringify({ type: "change", topic: "records/team", epoch: "e", offset: 1 }),
        JSON.stringify({ type: "change", topic: "records/team", epoch: "e", offset: 2 }),
      ].join("\n"),
    );

    expect(frames.map((frame) => frame.type)).toEqual(["welcome", "change", "change"]);
    expect(frames.slice(1).map((frame) => (frame as { offset: number }).offset)).toEqual([1, 2]);
  });

  it("reports a token that could not be had as a closure of a transport never tried, opening no socket", async () => {
    transport(() => Promise.reject(new Error("sign-in is away"))).open();
    await vi.waitFor(() => expect(closures).toHaveLength(1));

    expect(closures[0]).toMatchObject({ established: false, untried: true });
    expect(FakeWebSocket.opened).toHaveLength(0);
  });

  it("still reads a message holding one frame, and drops a line that is not a frame", async () => {
    const socket = transport();
    socket.open();
    const ws = await opened();

    ws.receive(JSON.stringify({ type: "welcome", connectionId: "c1" }));
    ws.receive(`not json\n${JSON.stringify({ type: "change", topic: "records/team", epoch: "e", offset: 7 })}`);

    expect(frames.map((frame) => frame.type)).toEqual(["welcome", "change"]);
    ws.onclose?.({ code: 4008, reason: "overflow" } as CloseEvent);
    expect(closures).toEqual([{ reason: "overflow", code: 4008, established: true }]);
  });
});
