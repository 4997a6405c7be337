import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import type { PresenceMember } from "@realtimesync/client";
import { useRealtimeClient } from "./RealtimeContext.js";

export interface PresenceState {
  /** Everyone on the topic, this tab included. */
  readonly members: readonly PresenceMember[];
  /** Everyone but this tab's own connection. */
  readonly others: readonly PresenceMember[];
  /** Joins with `state`, or replaces it (for example `{ editing: "email" }`). */
  join(state?: Readonly<Record<string, unknown>>): void;
  leave(): void;
}

/** Who is on `topic` (the component should also hold the topic, with `useTopic` or `useRecord`, to get the snapshots). */
export function usePresence(topic: string): PresenceState {
  const client = useRealtimeClient();
  const members = useRef<readonly PresenceMember[]>(client.presence.members(topic));
  const subscribe = useCallback(
    (changed: () => void) =>
      client.presence.on("change", (change) => {
        if (change.topic === topic) {
          members.current = change.members;
          changed();
        }
      }),
    [client, topic],
  );
  const current = useSyncExternalStore(subscribe, () => members.current);
  useEffect(() => () => void client.presence.leave(topic), [client, topic]);
  const join = useCallback(
    (state?: Readonly<Record<string, unknown>>) => void client.presence.join(topic, state),
    [client, topic],
  );
  const leave = useCallback(() => void client.presence.leave(topic), [client, topic]);
  return {
    members: current,
    others: current.filter((member) => member.connectionId !== client.connectionId),
    join,
    leave,
  };
}
