import type { ChangeMessage, ResyncFrame, TopicPosition } from "./protocol.js";

/** What the app is told once a topic stands subscribed (after connecting, and after every reconnection). */
export interface SubscribedInfo {
  readonly topic: string;
  /** The client asked to resume from a position (a reconnection). */
  readonly wasRecovering: boolean;
  /** It resumed with nothing missed; false after a resync, or on a first subscription. */
  readonly recovered: boolean;
  readonly epoch: string;
  readonly offset: number;
}

/** The history a client asked for is gone (or the topic's epoch changed): the app reloads, then the topic carries on. */
export interface ResyncInfo {
  readonly topic: string;
  readonly reason: string;
  readonly epoch: string;
  readonly offset: number;
}

export type Accepted =
  | { readonly kind: "deliver"; readonly message: ChangeMessage }
  | { readonly kind: "duplicate" }
  | { readonly kind: "held" }
  | { readonly kind: "resync"; readonly info: ResyncInfo };

/** Messages kept while a topic reloads; past this the reload is run again rather than holding more. */
const HeldLimit = 5_000;

/**
 * One topic's place in its stream: exactly once and in order, whatever transport or instance the messages come
 * through. A message at or below the last offset is a duplicate (a replay overlapping live delivery, or two transports
 * during a switch); offsets may skip (a change the reader may not see, or its own echo), never go back. While the app
 * reloads after a resync, messages are held and then released past the position the resync gave.
 */
export class TopicStream {
  private current: TopicPosition | undefined;
  private requestedFrom: TopicPosition | undefined;
  private resyncedSinceRequest = false;
  private reloading = false;
  private held: ChangeMessage[] = [];
  private heldOverflow = false;

  constructor(readonly topic: string) {}

  /** The last position delivered (or reported by the server), if any: what a reconnection resumes from. */
  get position(): TopicPosition | undefined {
    return this.current;
  }

  get isReloading(): boolean {
    return this.reloading;
  }

  /** Called as a subscribe goes out; remembers whether it resumes. Returns the position to resume from, if any. */
  requesting(): TopicPosition | undefined {
    this.requestedFrom = this.current;
    this.resyncedSinceRequest = false;
    return this.current;
  }

  /** The server acknowledged the subscription; `reported` is where a fresh subscription stood, when the server says. */
  subscribed(reported?: { readonly epoch: string | null; readonly offset: number }): SubscribedInfo {
    if (!this.current && reported) {
      this.current = { epoch: reported.epoch ?? "", offset: reported.epoch ? reported.offset : 0 };
    }
    const wasRecovering = this.requestedFrom !== undefined;
    return {
      topic: this.topic,
      wasRecovering,
      recovered: wasRecovering && !this.resyncedSinceRequest,
      epoch: this.current?.epoch ?? "",
      offset: this.current?.offset ?? 0,
    };
  }

  /** Positions learnt without a message (a poll's cursor): taken only where nothing newer is known. */
  learn(position: TopicPosition): void {
    if (!this.current || (this.current.epoch === position.epoch && position.offset > this.current.offset)) {
      this.current = position;
    } else if (this.current.epoch === "" && position.epoch !== "") {
      this.current = position;
    }
  }

  accept(message: ChangeMessage): Accepted {
    if (this.reloading) {
      this.hold(message);
      return { kind: "held" };
    }
    const current = this.current;
    if (current && current.epoch !== "" && message.epoch !== current.epoch) {
      // The server announces a new epoch with a resync; seeing one without it still means the old offsets are void.
      const info = this.startReload({
        reason: "epoch changed",
        epoch: message.epoch,
        offset: message.offset - 1,
      });
      this.hold(message);
      return { kind: "resync", info };
    }
    if (current && message.offset <= current.offset && message.epoch === current.epoch) {
      return { kind: "duplicate" };
    }
    this.current = { epoch: message.epoch, offset: message.offset };
    return { kind: "deliver", message };
  }

  /** The server's resync frame: the history is gone; continue from its position once the app has reloaded. */
  resync(frame: ResyncFrame): ResyncInfo {
    return this.startReload({ reason: frame.reason, epoch: frame.epoch ?? "", offset: frame.offset });
  }

  /**
   * The app has reloaded: returns the held messages past the resync position, in order. `again` asks for one more
   * reload when more arrived than could be held.
   */
  reloaded(): { readonly release: ChangeMessage[]; readonly again: boolean } {
    if (this.heldOverflow) {
      this.heldOverflow = false;
      this.held = [];
      return { release: [], again: true };
    }
    this.reloading = false;
    const held = this.held.sort((a, b) => a.offset - b.offset);
    this.held = [];
    const release: ChangeMessage[] = [];
    for (const message of held) {
      const outcome = this.accept(message);
      if (outcome.kind === "deliver") {
        release.push(outcome.message);
      }
    }
    return { release, again: false };
  }

  private startReload(info: Omit<ResyncInfo, "topic">): ResyncInfo {
    this.current = { epoch: info.epoch, offset: Math.max(0, info.offset) };
    this.resyncedSinceRequest = true;
    this.reloading = true;
    return { topic: this.topic, ...info };
  }

  private hold(message: ChangeMessage): void {
    if (this.held.length >= HeldLimit) {
      this.heldOverflow = true;
      return;
    }
    this.held.push(message);
  }
}
