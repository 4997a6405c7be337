import type { ApiClient } from "./ApiClient.js";

export interface StoredRecord<T = Record<string, unknown>> {
  readonly collection: string;
  readonly id: string;
  readonly version: number;
  readonly data: T;
}

export interface WriteResult<T = Record<string, unknown>> {
  readonly collection: string;
  readonly id: string;
  readonly version: number;
  /** `created`, `updated`, `unchanged` or `deleted`. */
  readonly status: "created" | "updated" | "unchanged" | "deleted" | (string & {});
  readonly changedFields: readonly string[];
  /** Input the server kept its own value for (preserved fields, server-owned timestamps). */
  readonly ignoredFields: readonly string[];
  readonly data?: T | null;
}

export interface ChangesPage<T = Record<string, unknown>> {
  readonly collection: string;
  readonly items: readonly {
    readonly id: string;
    readonly version: number;
    readonly deleted: boolean;
    readonly data?: T | null;
  }[];
  readonly nextSince: number;
  readonly hasMore: boolean;
}

export interface HistoryEntry<T = Record<string, unknown>> {
  readonly version: number;
  /** `created`, `updated` or `deleted`. */
  readonly operation: string;
  readonly actor?: string | null;
  readonly at: string;
  readonly changedFields: readonly string[];
  readonly before?: T | null;
  readonly after?: T | null;
}

export interface HistoryPage<T = Record<string, unknown>> {
  readonly collection: string;
  readonly id: string;
  /** Oldest first. */
  readonly entries: readonly HistoryEntry<T>[];
  readonly nextSince: number;
  readonly hasMore: boolean;
}

export interface WriteOptions {
  /** The version the edit is based on: a save against an older one fails with a {@link ConflictError}. */
  readonly ifMatch?: number | "*";
  /** Fields to keep as stored, beyond the collection's own preserved fields. */
  readonly preserveFields?: readonly string[];
}

export type BatchOperation =
  | {
      readonly method: "POST";
      readonly collection: string;
      readonly id?: string;
      readonly body: Record<string, unknown>;
    }
  | {
      readonly method: "PUT" | "PATCH";
      readonly collection: string;
      readonly id: string;
      readonly body: Record<string, unknown>;
      readonly ifMatch?: string;
      readonly preserveFields?: readonly string[];
    }
  | { readonly method: "DELETE"; readonly collection: string; readonly id: string; readonly ifMatch?: string };

export interface BatchResult {
  readonly index: number;
  readonly status: number;
  /** A {@link WriteResult} when `status` is 2xx, else the operation's {@link Problem}. */
  readonly result: Readonly<Record<string, unknown>>;
}

/** The records API (`/api/records`), through the gateway: typed results, problems as errors, a token refreshed on 401. */
export class RecordsApi {
  constructor(private readonly http: ApiClient) {}

  get<T = Record<string, unknown>>(collection: string, id: string): Promise<StoredRecord<T>> {
    return this.http.send("GET", `${path(collection)}/${encodeURIComponent(id)}`);
  }

  /** What changed after `since` (a collection version), in order, deletions included: a loader after a resync. */
  changes<T = Record<string, unknown>>(collection: string, since = 0, limit = 100): Promise<ChangesPage<T>> {
    return this.http.send("GET", `${path(collection)}?since=${since}&limit=${limit}`);
  }

  create<T = Record<string, unknown>>(collection: string, body: Record<string, unknown>): Promise<WriteResult<T>> {
    return this.http.send("POST", path(collection), { body });
  }

  put<T = Record<string, unknown>>(
    collection: string,
    id: string,
    body: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<WriteResult<T>> {
    return this.http.send("PUT", recordPath(collection, id, options), { body, ...ifMatch(options) });
  }

  /** RFC 7396 merge patch: `null` removes a field. */
  patch<T = Record<string, unknown>>(
    collection: string,
    id: string,
    patch: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<WriteResult<T>> {
    return this.http.send("PATCH", recordPath(collection, id, options), {
      body: patch,
      contentType: "application/merge-patch+json",
      ...ifMatch(options),
    });
  }

  delete(collection: string, id: string, options: WriteOptions = {}): Promise<WriteResult> {
    return this.http.send("DELETE", recordPath(collection, id, options), ifMatch(options));
  }

  /** A page of a record's changes after version `since`, oldest first; pass `nextSince` back while `hasMore`. */
  history<T = Record<string, unknown>>(
    collection: string,
    id: string,
    since = 0,
    limit = 100,
  ): Promise<HistoryPage<T>> {
    return this.http.send("GET", `${path(collection)}/${encodeURIComponent(id)}/history?since=${since}&limit=${limit}`);
  }

  /** Many writes in one request, applied in order, each with its own result (seed 003's `queueSync`). */
  async batch(operations: readonly BatchOperation[]): Promise<readonly BatchResult[]> {
    const answer = await this.http.send<{ results: BatchResult[] }>("POST", "/api/records/_batch", {
      body: { operations },
    });
    return answer.results;
  }
}

function ifMatch(options: WriteOptions): { ifMatch?: number | "*" } {
  return options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch };
}

function path(collection: string): string {
  return `/api/records/${encodeURIComponent(collection)}`;
}

function recordPath(collection: string, id: string, options: WriteOptions): string {
  const base = `${path(collection)}/${encodeURIComponent(id)}`;
  return options.preserveFields && options.preserveFields.length > 0
    ? `${base}?preserveFields=${options.preserveFields.map(encodeURIComponent).join(",")}`
    : base;
}
