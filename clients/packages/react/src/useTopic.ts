import { useEffect, useRef, useState } from "react";
import type { ChangeMessage, ResyncInfo, SubscribedInfo, SubscriptionOptions } from "@realtimesync/client";
import { useRealtimeClient } from "./RealtimeContext.js";

export interface TopicState {
  /** The newest messages, oldest first (at most `keep`). */
  readonly messages: readonly ChangeMessage[];
  readonly lastMessage: ChangeMessage | undefined;
  readonly subscribed: SubscribedInfo | undefined;
  readonly lastResync: ResyncInfo | undefined;
}

export interface UseTopicOptions extends SubscriptionOptions {
  /** Messages kept for rendering (default 50). */
  readonly keep?: number;
  /** Called for every message, in order, exactly once. */
  readonly onMessage?: (message: ChangeMessage) => void;
}

/** Holds `topic` while the component is mounted; its messages exactly once, in order. */
export function useTopic(topic: string | undefined, options: UseTopicOptions = {}): TopicState {
  const client = useRealtimeClient();
  const [state, setState] = useState<TopicState>({
    messages: [],
    lastMessage: undefined,
    subscribed: undefined,
    lastResync: undefined,
  });
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  useEffect(() => {
    if (!topic) {
      return;
    }
    const keep = latest.current.keep ?? 50;
    const subscription = client.subscribe(topic, { load: (info) => latest.current.load?.(info) });
    const stops = [
      subscription.on("message", (message) => {
        latest.current.onMessage?.(message);
        setState((previous) => ({
          ...previous,
          messages: [...previous.messages, message].slice(-keep),
          lastMessage: message,
        }));
      }),
      subscription.on("subscribed", (info) => setState((previous) => ({ ...previous, subscribed: info }))),
      subscription.on("resync", (info) => setState((previous) => ({ ...previous, lastResync: info }))),
    ];
    return () => {
      stops.forEach((stop) => stop());
      subscription.unsubscribe();
    };
  }, [client, topic]);
  return state;
}
