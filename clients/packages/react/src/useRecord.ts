import { useCallback, useEffect, useRef, useState } from "react";
import {
  ConflictError,
  ProblemError,
  type ChangeMessage,
  type RecordChangePayload,
  type StoredRecord,
  type WriteOptions,
  type WriteResult,
} from "@realtimesync/client";
import { useRealtimeClient } from "./RealtimeContext.js";

export type RecordStatus = "loading" | "ready" | "missing" | "error";

/** A change someone else made, as it arrived: which fields, by whom. */
export interface RemoteChange {
  readonly fields: readonly string[];
  readonly actor: string | undefined;
  readonly version: number;
  readonly at: number;
}

export interface RecordState<T> {
  readonly data: T | undefined;
  readonly version: number | undefined;
  readonly status: RecordStatus;
  readonly error: unknown;
  /** The last change from elsewhere, applied silently to `data`. */
  readonly remoteChange: RemoteChange | undefined;
  /** Set when a save met a newer version (412): the record as it is now and the fields changed since. */
  readonly conflict: ConflictError<T> | undefined;
  readonly saving: boolean;
  /** Saves against the version held (`If-Match`), so a stale save becomes a `conflict` instead of an overwrite. */
  save(data: Record<string, unknown>, options?: Omit<WriteOptions, "ifMatch">): Promise<WriteResult<T> | undefined>;
  /** Takes the server's current record (after a conflict, or a resync). */
  reload(): Promise<void>;
}

/**
 * One live record of a merge-api collection: loaded through the records API, patched by each change's fields as it
 * arrives on `records/<collection>/<id>`, reloaded after a resync, saved with its version.
 */
export function useRecord<T extends Record<string, unknown> = Record<string, unknown>>(
  collection: string,
  id: string,
): RecordState<T> {
  const client = useRealtimeClient();
  const [data, setData] = useState<T | undefined>();
  const [version, setVersion] = useState<number | undefined>();
  const [status, setStatus] = useState<RecordStatus>("loading");
  const [error, setError] = useState<unknown>();
  const [remoteChange, setRemoteChange] = useState<RemoteChange | undefined>();
  const [conflict, setConflict] = useState<ConflictError<T> | undefined>();
  const [saving, setSaving] = useState(false);
  const held = useRef<{ version: number | undefined; early: ChangeMessage[] }>({ version: undefined, early: [] });
  // Another record's answer must not show as this one's: until its own load answers, a record is loading.
  const key = `${collection}/${id}`;
  const [loadedFor, setLoadedFor] = useState<string | undefined>();

  const apply = useCallback((message: ChangeMessage) => {
    const payload = message.payload as RecordChangePayload;
    const known = held.current.version;
    if (known === undefined) {
      held.current.early.push(message); // before the first load answers
      return;
    }
    if (typeof payload.version !== "number" || payload.version <= known) {
      return;
    }
    held.current.version = payload.version;
    setVersion(payload.version);
    if (payload.operation === "deleted") {
      setData(undefined);
      setStatus("missing");
    } else {
      setData((previous) => ({ ...(previous ?? {}), ...payload.fields }) as T);
      setStatus("ready");
    }
    setRemoteChange({
      fields: payload.changedFields,
      actor: message.actor,
      version: payload.version,
      at: Date.now(),
    });
  }, []);

  const settle = useCallback(
    (record: StoredRecord<T> | undefined, failure?: unknown) => {
      if (record) {
        held.current.version = Math.max(record.version, held.current.version ?? 0);
        setData(record.data);
        setVersion(record.version);
        setStatus("ready");
        setError(undefined);
      } else if (failure instanceof ProblemError && failure.status === 404) {
        held.current.version = 0;
        setStatus("missing");
      } else {
        setError(failure);
        setStatus("error");
      }
      setLoadedFor(`${collection}/${id}`);
      const early = held.current.early;
      held.current.early = [];
      early.forEach(apply);
    },
    [apply, collection, id],
  );

  const reload = useCallback(
    () =>
      client.records.get<T>(collection, id).then(
        (record) => settle(record),
        (failure: unknown) => settle(undefined, failure),
      ),
    [client, collection, id, settle],
  );

  useEffect(() => {
    held.current = { version: undefined, early: [] };
    const subscription = client.subscribe(`records/${collection}/${id}`, { load: () => reload() });
    const stop = subscription.on("message", apply);
    void reload();
    return () => {
      stop();
      subscription.unsubscribe();
    };
  }, [apply, client, collection, id, reload]);

  const save = useCallback(
    async (next: Record<string, unknown>, options: Omit<WriteOptions, "ifMatch"> = {}) => {
      setSaving(true);
      try {
        const known = held.current.version;
        const result = await client.records.put<T>(
          collection,
          id,
          next,
          known ? { ...options, ifMatch: known } : options,
        );
        held.current.version = Math.max(result.version, held.current.version ?? 0);
        setVersion(result.version);
        if (result.data) {
          setData(result.data);
        }
        setStatus("ready");
        setConflict(undefined);
        return result;
      } catch (failure) {
        if (failure instanceof ConflictError) {
          setConflict(failure as ConflictError<T>);
          return undefined;
        }
        throw failure;
      } finally {
        setSaving(false);
      }
    },
    [client, collection, id],
  );

  return {
    data,
    version,
    status: loadedFor === key ? status : "loading",
    error,
    remoteChange,
    conflict,
    saving,
    save,
    reload,
  };
}
