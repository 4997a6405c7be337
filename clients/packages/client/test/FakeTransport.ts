import type { TransportKind } from "../src/ConnectionState.js";
import type { ServerFrame, TopicPosition } from "../src/protocol.js";
import type { Transport, TransportContext, TransportEvents, TransportFactory } from "../src/transports/Transport.js";

/** A transport the test drives by hand: it records what the client asks of it and delivers the frames the test gives. */
export class FakeTransport implements Transport {
  readonly subscribes: { topics: readonly string[]; from: Record<string, TopicPosition> }[] = [];
  readonly commands: Readonly<Record<string, unknown>>[] = [];
  readonly unsubscribes: (readonly string[])[] = [];
  readonly visibility: boolean[] = [];
  opened = false;
  closedByClient = false;

  constructor(
    readonly kind: TransportKind,
    readonly context: TransportContext,
    private readonly events: TransportEvents,
  ) {}

  open(): void {
    this.opened = true;
  }

  subscribe(topics: readonly string[], from: ReadonlyMap<string, TopicPosition>): void {
    this.subscribes.push({ topics, from: Object.fromEntries(from) });
  }

  unsubscribe(topics: readonly string[]): void {
    this.unsubscribes.push(topics);
  }

  command(frame: Readonly<Record<string, unknown>>): boolean {
    this.commands.push(frame);
    return this.kind === "websocket";
  }

  visibilityChanged(hidden: boolean): void {
    this.visibility.push(hidden);
  }

  close(): void {
    this.closedByClient = true;
  }

  welcome(userId = "alice", connectionId = `${this.kind}-conn`): void {
    this.events.frame({
      type: "welcome",
      connectionId,
      userId,
      heartbeat: { intervalSeconds: 15, timeoutSeconds: 30 },
    });
  }

  deliver(frame: ServerFrame): void {
    this.events.frame(frame);
  }

  message(topic: string, offset: number, epoch = "e1", payload: unknown = {}): void {
    this.events.frame({ topic, offset, epoch, type: "record.updated", payload });
  }

  fail(established: boolean, code?: number, untried = false): void {
    const closure = { reason: "test", established, untried };
    this.events.closed(code === undefined ? closure : { ...closure, code });
  }
}

/** Factories for every transport kind, keeping each transport the client opens, in order. */
export class FakeNetwork {
  readonly opened: FakeTransport[] = [];

  factories(): Record<TransportKind, TransportFactory> {
    const make =
      (kind: TransportKind): TransportFactory =>
      (context, events) => {
        const transport = new FakeTransport(kind, context, events);
        this.opened.push(transport);
        return transport;
      };
    return { websocket: make("websocket"), sse: make("sse"), polling: make("polling") };
  }

  get last(): FakeTransport {
    const last = this.opened.at(-1);
    if (!last) {
      throw new Error("no transport was opened");
    }
    return last;
  }
}

/** A page whose visibility the test flips. */
export class FakeVisibility {
  hidden = false;
  private listeners = new Set<(hidden: boolean) => void>();

  onChange(listener: (hidden: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(hidden: boolean): void {
    this.hidden = hidden;
    this.listeners.forEach((listener) => listener(hidden));
  }
}

export class MemoryStorage {
  readonly items = new Map<string, string>();

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/** A JWT-shaped token (unsigned: the client only reads its claims) expiring `expiresInS` from now. */
export function token(expiresInS: number, subject = "alice"): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  return `${encode({ alg: "none" })}.${encode({ sub: subject, iat: now, exp: now + expiresInS })}.`;
}
