import { useCallback, useEffect, useState } from "react";
import { useTopic } from "@realtimesync/react";
import type { ChangeMessage, RecordChangePayload } from "@realtimesync/client";

export interface LiveRow {
  readonly id: string;
  readonly version: number;
  readonly data: Record<string, unknown>;
  /** Fields the last change touched, and the version it made: the row highlights them for a moment. */
  readonly changed: readonly string[];
  readonly changedAt: number | undefined;
}

export interface LoadedRow {
  readonly id: string;
  readonly version: number;
  /** Absent or null for a deleted record. */
  readonly data?: Record<string, unknown> | null;
}

/**
 * A list that follows a collection's topic: loaded once (and again after a resync), then patched by each change's
 * fields, a new record added on top, a deleted one removed.
 */
export function useLiveRows(
  topic: string,
  load: () => Promise<readonly LoadedRow[]>,
): { rows: readonly LiveRow[]; error: string | undefined } {
  const [rows, setRows] = useState<readonly LiveRow[]>([]);
  const [error, setError] = useState<string | undefined>();
  const reload = useCallback(
    () =>
      load().then(
        (loaded) => {
          setRows(
            loaded
              .filter((row) => row.data !== null)
              .map((row) => ({
                id: row.id,
                version: row.version,
                data: row.data ?? {},
                changed: [],
                changedAt: undefined,
              })),
          );
          setError(undefined);
        },
        (failure: unknown) => setError(String(failure)),
      ),
    [load],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  useTopic(topic, { load: () => reload(), onMessage: (message) => setRows((current) => apply(current, message)) });
  return { rows, error };
}

function apply(rows: readonly LiveRow[], message: ChangeMessage): readonly LiveRow[] {
  const payload = message.payload as Partial<RecordChangePayload>;
  if (typeof payload.id !== "string" || typeof payload.version !== "number") {
    return rows;
  }
  const existing = rows.find((row) => row.id === payload.id);
  if (payload.operation === "deleted") {
    return rows.filter((row) => row.id !== payload.id);
  }
  if (existing && existing.version >= payload.version) {
    return rows; // the load already had it
  }
  const next: LiveRow = {
    id: payload.id,
    version: payload.version,
    data: { ...(existing?.data ?? {}), ...(payload.fields ?? {}) },
    changed: payload.changedFields ?? [],
    changedAt: Date.now(),
  };
  return existing ? rows.map((row) => (row.id === payload.id ? next : row)) : [next, ...rows];
}
