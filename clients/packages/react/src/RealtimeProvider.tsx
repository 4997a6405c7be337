import { useEffect, useState, type ReactNode } from "react";
import { RealtimeClient, type RealtimeClientOptions } from "@realtimesync/client";
import { RealtimeContext } from "./RealtimeContext.js";

export type RealtimeProviderProps =
  | { readonly client: RealtimeClient; readonly options?: never; readonly children?: ReactNode }
  | { readonly options: RealtimeClientOptions; readonly client?: never; readonly children?: ReactNode };

/**
 * Gives its children one connection for the tab: the client passed in, or one made from `options` (connected while
 * the provider is mounted, disconnected when it goes).
 */
export function RealtimeProvider(props: RealtimeProviderProps) {
  const [client] = useState(() => props.client ?? new RealtimeClient(props.options as RealtimeClientOptions));
  useEffect(() => {
    client.connect();
    return () => client.disconnect("provider unmounted");
  }, [client]);
  return <RealtimeContext.Provider value={client}>{props.children}</RealtimeContext.Provider>;
}
