import { useCallback, useRef, useSyncExternalStore } from "react";
import type { ConnectionStateName, Quality, TransportKind } from "@realtimesync/client";
import { useRealtimeClient } from "./RealtimeContext.js";

export interface ConnectionSnapshot {
  readonly state: ConnectionStateName;
  readonly transport: TransportKind | undefined;
  readonly quality: Quality;
  /** Why the last change of state happened, when it says. */
  readonly reason: string | undefined;
}

/** The connection's state, transport and quality, re-rendering on every change. */
export function useConnectionState(): ConnectionSnapshot {
  const client = useRealtimeClient();
  const snapshot = useRef<ConnectionSnapshot>({
    state: client.state,
    transport: client.transportKind,
    quality: client.connectionQuality,
    reason: undefined,
  });
  const subscribe = useCallback(
    (changed: () => void) => {
      const update = (reason?: string) => {
        snapshot.current = {
          state: client.state,
          transport: client.transportKind,
          quality: client.connectionQuality,
          reason: reason ?? snapshot.current.reason,
        };
        changed();
      };
      const stopState = client.on("state", (change) => update(change.reason));
      const stopQuality = client.on("quality", () => update());
      return () => {
        stopState();
        stopQuality();
      };
    },
    [client],
  );
  return useSyncExternalStore(subscribe, () => snapshot.current);
}
