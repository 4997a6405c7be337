import { createContext, useContext } from "react";
import type { RealtimeClient } from "@realtimesync/client";

export const RealtimeContext = createContext<RealtimeClient | undefined>(undefined);

/** The provider's client; a component outside a `<RealtimeProvider>` is a mistake worth a clear error. */
export function useRealtimeClient(): RealtimeClient {
  const client = useContext(RealtimeContext);
  if (!client) {
    throw new Error("RealtimeSync hooks need a <RealtimeProvider> above them");
  }
  return client;
}
