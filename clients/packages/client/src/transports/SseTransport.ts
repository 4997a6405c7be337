import { CONTROL_TYPES, encodeCursor, parseFrame } from "../protocol.js";
import type { Transport, TransportContext, TransportEvents, TransportFactory } from "./Transport.js";

export type EventSourceConstructor = new (url: string) => EventSource;

/**
 * `/api/sync/stream`: one-way Server-Sent Events, for networks that refuse WebSocket. Its topics are fixed per stream,
 * so a change of topics reopens it from the client's positions (as a cursor), and so does every reconnection: the
 * browser's own EventSource retry is not used, because it would keep an expired token.
 */
export class SseTransport implements Transport {
  readonly kind = "sse" as const;
  private source: EventSource | undefined;
  private streamTopics: readonly string[] = [];
  private established = false;
  private closedByClient = false;

  constructor(
    private readonly context: TransportContext,
    private readonly events: TransportEvents,
    private readonly Source: EventSourceConstructor,
  ) {}

  static factory(Source: EventSourceConstructor | undefined = globalThis.EventSource): TransportFactory | undefined {
    return Source ? (context, events) => new SseTransport(context, events, Source) : undefined;
  }

  open(): void {
    const topics = [...this.context.topics()];
    this.streamTopics = topics;
    void this.context.token().then(
      (token) => {
        if (this.closedByClient) {
          return;
        }
        const query = new URLSearchParams({ access_token: token });
        if (topics.length > 0) {
          query.set("topics", topics.join(","));
        }
        const positions = this.context.positions();
        if (positions.size > 0) {
          query.set("lastEventId", encodeCursor(positions));
        }
        const source = new this.Source(
          `${this.context.baseUrl.replace(/\/$/, "")}/api/sync/stream?${query.toString()}`,
        );
        this.source = source;
        const deliver = (event: MessageEvent) => {
          const frame = typeof event.data === "string" ? parseFrame(event.data) : undefined;
          if (frame) {
            if (frame.type === "welcome") {
              this.established = true;
            }
            this.events.frame(frame);
          }
        };
        source.addEventListener("message", deliver);
        for (const type of CONTROL_TYPES) {
          source.addEventListener(type, deliver as EventListener);
        }
        source.onerror = () => this.ended("event stream failed");
      },
      (error: unknown) => this.ended(`no token: ${String(error)}`, true),
    );
  }

  /**
   * Reopens the stream only for an app topic it does not carry yet: the user's own topics (users/<me>, broadcast) are
   * always on a stream, so asking for them again must not reopen it (and get a new welcome, and ask again...).
   */
  subscribe(topics: readonly string[]): void {
    const held = this.context.topics();
    if (topics.some((topic) => held.includes(topic) && !this.streamTopics.includes(topic))) {
      this.reopen();
    }
  }

  unsubscribe(topics: readonly string[]): void {
    if (topics.some((topic) => this.streamTopics.includes(topic))) {
      this.reopen();
    }
  }

  command(): boolean {
    return false;
  }

  visibilityChanged(): void {}

  close(): void {
    this.closedByClient = true;
    this.source?.close();
    this.source = undefined;
  }

  /** A new stream from the current positions; messages both streams carry are dropped by offset. */
  private reopen(): void {
    this.source?.close();
    this.source = undefined;
    this.open();
  }

  private ended(reason: string, untried = false): void {
    if (this.closedByClient) {
      return;
    }
    this.closedByClient = true;
    this.source?.close();
    this.source = undefined;
    this.events.closed({ reason, established: this.established, ...(untried ? { untried } : {}) });
  }
}
