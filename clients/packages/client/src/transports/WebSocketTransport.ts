import { parseFrame, type TopicPosition } from "../protocol.js";
import type { Transport, TransportContext, TransportEvents, TransportFactory } from "./Transport.js";

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/**
 * The subprotocol in which one WebSocket message may carry several frames, one JSON per line: a burst then costs the
 * browser one message event per batch, not per change. A server that does not speak it sends one frame per message.
 */
export const LINES_SUBPROTOCOL = "realtimesync.lines";

/** `/ws` on the gateway: full duplex, the first choice. The token goes in the query: browsers cannot set headers here. */
export class WebSocketTransport implements Transport {
  readonly kind = "websocket" as const;
  private socket: WebSocket | undefined;
  private established = false;
  private closedByClient = false;

  constructor(
    private readonly context: TransportContext,
    private readonly events: TransportEvents,
    private readonly Socket: WebSocketConstructor,
  ) {}

  static factory(Socket: WebSocketConstructor | undefined = globalThis.WebSocket): TransportFactory | undefined {
    return Socket ? (context, events) => new WebSocketTransport(context, events, Socket) : undefined;
  }

  open(): void {
    void this.context.token().then(
      (token) => {
        if (this.closedByClient) {
          return;
        }
        const socket = new this.Socket(
          `${webSocketBase(this.context.baseUrl)}/ws?access_token=${encodeURIComponent(token)}`,
          [LINES_SUBPROTOCOL],
        );
        this.socket = socket;
        socket.onmessage = (event: MessageEvent) => {
          if (typeof event.data !== "string") {
            return;
          }
          // Compact JSON holds no raw line break: each line is one frame, in order.
          for (const line of event.data.split("\n")) {
            this.receive(line);
          }
        };
        socket.onclose = (event: CloseEvent) => this.ended(event.reason || "socket closed", event.code);
      },
      (error: unknown) => this.ended(`no token: ${String(error)}`, undefined, true),
    );
  }

  private receive(text: string): void {
    const frame = parseFrame(text);
    if (!frame) {
      return;
    }
    if (frame.type === "welcome") {
      this.established = true;
    }
    this.events.frame(frame);
  }

  subscribe(topics: readonly string[], from: ReadonlyMap<string, TopicPosition>): void {
    const positions: Record<string, TopicPosition> = {};
    for (const topic of topics) {
      const position = from.get(topic);
      if (position) {
        positions[topic] = position;
      }
    }
    this.command(
      Object.keys(positions).length > 0
        ? { type: "subscribe", topics, from: positions }
        : { type: "subscribe", topics },
    );
  }

  unsubscribe(topics: readonly string[]): void {
    this.command({ type: "unsubscribe", topics });
  }

  command(frame: Readonly<Record<string, unknown>>): boolean {
    if (this.socket?.readyState !== 1) {
      return false;
    }
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  visibilityChanged(): void {
    // A hidden tab's socket is rested by the client, not here.
  }

  close(): void {
    this.closedByClient = true;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, "client closed");
    }
  }

  private ended(reason: string, code?: number, untried = false): void {
    if (this.closedByClient) {
      return;
    }
    this.closedByClient = true;
    this.socket = undefined;
    const closure = { reason, established: this.established, ...(untried ? { untried } : {}) };
    this.events.closed(code === undefined ? closure : { ...closure, code });
  }
}

/** http(s) becomes ws(s); an empty base is the page's own origin. */
export function webSocketBase(baseUrl: string): string {
  const base = baseUrl || (typeof location === "undefined" ? "" : location.origin);
  return base.replace(/^http/, "ws").replace(/\/$/, "");
}
