import { useCallback, useEffect, useState } from "react";
import { ConflictError, NetworkError, ProblemError, type BatchOperation, type WriteResult } from "@realtimesync/client";
import { useRealtimeClient } from "./RealtimeContext.js";

export interface RealtimeSyncState {
  /**
   * Saves a record with seed 003's smart merge (the server keeps preserved fields), in order with every other write of
   * this tab; while offline the write waits in the queue and goes out when the connection returns.
   */
  sync(
    collection: string,
    id: string,
    data: Record<string, unknown>,
    options?: { readonly preserveFields?: readonly string[]; readonly ifMatch?: number },
  ): Promise<WriteResult | undefined>;
  /** Seed 003's shortcut: the `settings/main` record. */
  syncSettings(data: Record<string, unknown>): Promise<WriteResult | undefined>;
  readonly syncing: boolean;
  readonly syncError: string | undefined;
  readonly lastSyncTime: Date | undefined;
  /** Writes not yet answered by the server (queued while offline included). */
  readonly pending: number;
  /** The last save that met a newer version (412), until a save succeeds or it is dismissed. */
  readonly conflict: ConflictError | undefined;
  dismissConflict(): void;
}

/** Seed 003's `useRealtimeSync`: writes through the client's ordered queue, with their state for the page. */
export function useRealtimeSync(): RealtimeSyncState {
  const client = useRealtimeClient();
  const [pending, setPending] = useState(client.writes.pending);
  const [syncError, setSyncError] = useState<string | undefined>();
  const [lastSyncTime, setLastSyncTime] = useState<Date | undefined>();
  const [conflict, setConflict] = useState<ConflictError | undefined>();
  useEffect(() => client.writes.events.on("pending", setPending), [client]);
  // Every write the queue delivers counts, whichever hook or form made it.
  useEffect(
    () =>
      client.writes.events.on("flushed", ({ at, error }) => {
        if (error === undefined) {
          setLastSyncTime(new Date(at));
        }
      }),
    [client],
  );

  const sync = useCallback(
    async (
      collection: string,
      id: string,
      data: Record<string, unknown>,
      options: { readonly preserveFields?: readonly string[]; readonly ifMatch?: number } = {},
    ) => {
      const operation: BatchOperation = {
        method: "PUT",
        collection,
        id,
        body: data,
        ...(options.preserveFields ? { preserveFields: options.preserveFields } : {}),
        ...(options.ifMatch !== undefined ? { ifMatch: `"${options.ifMatch}"` } : {}),
      };
      try {
        const result = await client.writes.enqueue(operation);
        setSyncError(undefined);
        setConflict(undefined);
        return result;
      } catch (failure) {
        setSyncError(describe(failure));
        if (failure instanceof ConflictError) {
          setConflict(failure);
        }
        return undefined;
      }
    },
    [client],
  );
  const syncSettings = useCallback((data: Record<string, unknown>) => sync("settings", "main", data), [sync]);
  const dismissConflict = useCallback(() => setConflict(undefined), []);
  return { sync, syncSettings, syncing: pending > 0, syncError, lastSyncTime, pending, conflict, dismissConflict };
}

function describe(failure: unknown): string {
  if (failure instanceof ConflictError) {
    return `Someone else changed ${failure.changedFields.join(", ") || "this record"} first`;
  }
  if (failure instanceof ProblemError) {
    const errors = failure.problem.errors
      ? Object.entries(failure.problem.errors).map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      : [];
    return [failure.problem.title ?? `HTTP ${failure.status}`, ...errors].join(" — ");
  }
  if (failure instanceof NetworkError) {
    return "The server could not be reached";
  }
  return String(failure);
}
