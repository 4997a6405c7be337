import { useCallback, useEffect, useRef, useState } from "react";
import {
  ConflictError,
  ProblemError,
  type ChangeMessage,
  type RecordChangePayload,
  type StoredRecord,
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

export interface SaveOptions {
  /** Fields to keep as stored, beyond the collection's own preserved fields. */
  readonly preserveFields?: readonly string[];
  /** The fields this save edits: a conflict on other fields only is merged and saved again, not reported. */
  readonly fields?: readonly string[];
  /** Saves over this version whatever changed (a conflict's "keep mine", with its `currentVersion`). */
  readonly force?: number;
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
  /**
   * Saves against the version the edit began on (`If-Match`), through the client's ordered write queue (so a save made
   * offline goes out when the connection returns): a stale save becomes a `conflict` instead of an overwrite.
   */
  save(data: Record<string, unknown>, options?: SaveOptions): Promise<WriteResult<T> | undefined>;
  /** An edit begins: a later save is checked against the version held now, not one applied while typing. */
  edit(): void;
  /** The edit is abandoned (after a conflict, "take theirs"). */
  discard(): void;
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
  const held = useRef<{ version: number | undefined; base?: number | undefined; early: ChangeMessage[] }>({
    version: undefined,
    early: [],
  });
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

  const edit = useCallback(() => {
    held.current.base ??= held.current.version;
  }, []);

  const discard = useCallback(() => {
    held.current.base = undefined;
    setConflict(undefined);
  }, []);

  const save = useCallback(
    async (next: Record<string, unknown>, options: SaveOptions = {}) => {
      setSaving(true);
      const send = (ifMatch: number | undefined) =>
        client.writes.enqueue({
          method: "PUT",
          collection,
          id,
          body: next,
          ...(options.preserveFields ? { preserveFields: options.preserveFields } : {}),
          ...(ifMatch ? { ifMatch: `"${ifMatch}"` } : {}),
        }) as Promise<WriteResult<T>>;
      try {
        let result: WriteResult<T>;
        const base = options.force ?? held.current.base ?? held.current.version;
        try {
          result = await send(base);
        } catch (failure) {
          // Someone saved since this edit began. If none of their fields is one edited here, the form already shows
          // their values (applied silently), so saving again on their version loses nothing of theirs or ours.
          const edited = options.fields;
          if (
            !(failure instanceof ConflictError) ||
            !edited ||
            failure.changedFields.some((field) => edited.includes(field)) ||
            failure.currentVersion === undefined
          ) {
            throw failure;
          }
          result = await send(failure.currentVersion);
        }
        held.current.base = undefined;
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
    edit,
    discard,
    reload,
  };
}
