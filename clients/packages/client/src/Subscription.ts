import { Emitter } from "./Emitter.js";
import type { ChangeMessage, ErrorFrame } from "./protocol.js";
import { TopicStream, type ResyncInfo, type SubscribedInfo } from "./TopicStream.js";

export interface SubscriptionEvents {
  message: ChangeMessage;
  subscribed: SubscribedInfo;
  resync: ResyncInfo;
  error: ErrorFrame;
}

export interface SubscriptionOptions {
  /**
   * Reloads the topic's data after a resync (the history the client needed is gone), typically through
   * `client.records.changes(collection, since)`. Messages wait until it resolves, so nothing is applied twice or missed.
   */
  readonly load?: (info: ResyncInfo) => Promise<void> | void;
}

/** The app's hold on one topic: its messages exactly once and in order, across reconnections, instances and transports. */
export class Subscription {
  readonly events = new Emitter<SubscriptionEvents>();
  readonly stream: TopicStream;
  /** How many `subscribe()` calls share this subscription; the topic is left when the last one unsubscribes. */
  holders = 1;
  private load: SubscriptionOptions["load"];

  constructor(
    readonly topic: string,
    options: SubscriptionOptions,
    private readonly release: (subscription: Subscription) => void,
  ) {
    this.stream = new TopicStream(topic);
    this.load = options.load;
  }

  on<K extends keyof SubscriptionEvents>(event: K, listener: (payload: SubscriptionEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Where this topic stands: what a reconnection resumes from. */
  get position() {
    return this.stream.position;
  }

  /** A later `subscribe()` with a loader gives one to a subscription made without. */
  adopt(options: SubscriptionOptions): void {
    this.load ??= options.load;
  }

  unsubscribe(): void {
    this.release(this);
  }

  /** Runs the app's loader after a resync, then releases the messages held meanwhile. */
  async reload(info: ResyncInfo, failed: (error: unknown) => void): Promise<void> {
    this.events.emit("resync", info);
    for (;;) {
      try {
        await this.load?.(info);
      } catch (error) {
        failed(error);
      }
      const { release, again } = this.stream.reloaded();
      release.forEach((message) => this.events.emit("message", message));
      if (!again) {
        return;
      }
    }
  }
}
