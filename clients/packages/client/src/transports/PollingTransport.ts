import type { components } from "../generated/sync.js";
import { decodeCursor, encodeCursor, type ChangeMessage, type TopicPosition } from "../protocol.js";
import { TokenUnavailableError } from "../records/ProblemError.js";
import type { Transport, TransportContext, TransportEvents, TransportFactory } from "./Transport.js";

export interface PollingOptions {
  /** Between polls, in ms (default 3000, seed 000's change check). */
  readonly intervalMs?: number;
  /** One poll's bound, in ms (default 15 000). */
  readonly requestTimeoutMs?: number;
}

type PollAnswer = components["schemas"]["PollAnswer"];

/**
 * `/api/sync/poll?cursor=`: the last resort, over plain HTTP. Each poll sends the client's own positions as the cursor
 * (so it resumes wherever the last transport stopped, on any instance), and yields the same frames as the others: a
 * made-up `welcome` once a poll succeeds, `subscribed` with each new topic's position, then messages and resyncs.
 * Polling rests while the page is hidden and polls at once when it shows again.
 */
export class PollingTransport implements Transport {
  readonly kind = "polling" as const;
  private readonly intervalMs: number;
  private readonly requestTimeoutMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;
  private established = false;
  private closed = false;
  private announced = new Set<string>();
  private pollAgain = false;

  constructor(
    private readonly context: TransportContext,
    private readonly events: TransportEvents,
    options: PollingOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 3_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  static factory(options: PollingOptions = {}): TransportFactory {
    return (context, events) => new PollingTransport(context, events, options);
  }

  /** Whether a poll is under way (the tests watch a hidden page stop). */
  get polling(): boolean {
    return this.inFlight !== undefined;
  }

  open(): void {
    this.pollSoon(0);
  }

  subscribe(): void {
    this.pollSoon(0);
  }

  unsubscribe(): void {}

  command(): boolean {
    return false;
  }

  visibilityChanged(hidden: boolean): void {
    if (hidden) {
      clearTimeout(this.timer);
      this.timer = undefined;
    } else {
      this.pollSoon(0);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.inFlight?.abort();
  }

  private pollSoon(delayMs: number): void {
    if (this.closed || this.context.hidden()) {
      return;
    }
    if (this.inFlight) {
      this.pollAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    const topics = this.context.topics();
    const positions = this.context.positions();
    const query = new URLSearchParams({ cursor: encodeCursor(positions), connectionId: this.context.connectionId });
    if (topics.length > 0) {
      query.set("topics", topics.join(","));
    }
    const abort = new AbortController();
    this.inFlight = abort;
    try {
      const answer = await this.context.http.send<PollAnswer>("GET", `/api/sync/poll?${query.toString()}`, {
        signal: abort.signal,
        timeoutMs: this.requestTimeoutMs,
      });
      if (this.closed) {
        return;
      }
      this.deliver(answer, topics, positions);
    } catch (error) {
      if (!this.closed) {
        this.closed = true;
        const untried = error instanceof TokenUnavailableError;
        this.events.closed({
          reason: `polling failed: ${String(error)}`,
          established: this.established,
          ...(untried ? { untried } : {}),
        });
      }
      return;
    } finally {
      this.inFlight = undefined;
    }
    const again = this.pollAgain;
    this.pollAgain = false;
    this.pollSoon(again ? 0 : this.intervalMs);
  }

  private deliver(answer: PollAnswer, topics: readonly string[], asked: ReadonlyMap<string, TopicPosition>): void {
    const next = decodeCursor(answer.cursor);
    if (!this.established) {
      this.established = true;
      this.events.frame({ type: "welcome", connectionId: this.context.connectionId, userId: "" });
    }
    // Where each topic the poll did not know (a new subscription, the user's own topics) stood when it was read.
    const reported: Record<string, TopicPosition> = {};
    for (const [topic, position] of next) {
      if (!asked.has(topic)) {
        reported[topic] = position;
      }
    }
    const fresh = topics.filter((topic) => !this.announced.has(topic));
    fresh.forEach((topic) => this.announced.add(topic));
    if (fresh.length > 0 || Object.keys(reported).length > 0) {
      this.events.frame({ type: "subscribed", topics: fresh, positions: reported });
    }
    for (const resync of answer.resync) {
      this.events.frame({
        type: "resync",
        topic: resync.topic,
        reason: resync.reason,
        epoch: resync.epoch ?? null,
        offset: resync.offset,
      });
    }
    for (const message of answer.messages) {
      this.events.frame(message as ChangeMessage);
    }
  }
}
