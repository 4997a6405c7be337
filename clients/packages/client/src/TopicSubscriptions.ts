import type { SubscribedFrame, TopicPosition } from "./protocol.js";
import { Subscription, type SubscriptionOptions } from "./Subscription.js";
import type { SubscribedInfo } from "./TopicStream.js";

/**
 * The topics a tab holds, and where each stands: the app's subscriptions, shared by every `subscribe()` of a topic,
 * and the connection's own topics (`users/<me>`, `broadcast`), which the server holds for every connection and the
 * client resumes like the others.
 */
export class TopicSubscriptions {
  private readonly held = new Map<string, Subscription>();
  private readonly own = new Map<string, Subscription>();

  /** A topic's subscription; `fresh` is true when this call made it (the transport must be told). */
  hold(
    topic: string,
    options: SubscriptionOptions,
    release: (subscription: Subscription) => void,
  ): { subscription: Subscription; fresh: boolean } {
    const existing = this.held.get(topic);
    if (existing) {
      existing.holders++;
      existing.adopt(options);
      return { subscription: existing, fresh: false };
    }
    const subscription = new Subscription(topic, options, release);
    this.held.set(topic, subscription);
    return { subscription, fresh: true };
  }

  /** One holder lets go; true when it was the last, and the topic is left. */
  release(subscription: Subscription): boolean {
    if (--subscription.holders > 0 || this.held.get(subscription.topic) !== subscription) {
      return false;
    }
    this.held.delete(subscription.topic);
    return true;
  }

  /** The welcome named the user: their own topics are tracked from now on. */
  ownTopicsOf(userId: string): void {
    for (const topic of [`users/${userId}`, "broadcast"]) {
      if (!this.own.has(topic)) {
        this.own.set(topic, new Subscription(topic, {}, () => {}));
      }
    }
  }

  of(topic: string): Subscription | undefined {
    return this.held.get(topic) ?? this.own.get(topic);
  }

  /** The app's topics, in the order subscribed. */
  appTopics(): string[] {
    return [...this.held.keys()];
  }

  all(): Subscription[] {
    return [...this.own.values(), ...this.held.values()];
  }

  /** Every known position: what any transport resumes from. */
  positions(): Map<string, TopicPosition> {
    const positions = new Map<string, TopicPosition>();
    for (const subscription of this.all()) {
      if (subscription.position) {
        positions.set(subscription.topic, subscription.position);
      }
    }
    return positions;
  }

  /** A subscribe goes out for these: where each resumes from (none for a first subscription). */
  resumeFrom(subscriptions: readonly Subscription[]): Map<string, TopicPosition> {
    const from = new Map<string, TopicPosition>();
    for (const subscription of subscriptions) {
      const position = subscription.stream.requesting();
      if (position) {
        from.set(subscription.topic, position);
      }
    }
    return from;
  }

  /** The server's acknowledgement: each topic's subscribed info (emitted on its subscription), and positions learnt. */
  subscribed(frame: SubscribedFrame): SubscribedInfo[] {
    const infos: SubscribedInfo[] = [];
    for (const topic of frame.topics) {
      const subscription = this.of(topic);
      if (subscription) {
        const info = subscription.stream.subscribed(frame.positions?.[topic]);
        subscription.events.emit("subscribed", info);
        infos.push(info);
      }
    }
    for (const [topic, position] of Object.entries(frame.positions ?? {})) {
      if (!frame.topics.includes(topic) && position.epoch !== null) {
        this.of(topic)?.stream.learn({ epoch: position.epoch, offset: position.offset });
      }
    }
    return infos;
  }
}
