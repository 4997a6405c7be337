import type { TokenSource } from "../TokenSource.js";
import { ConflictError, NetworkError, ProblemError, type Problem } from "./ProblemError.js";

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
  readonly status: "created" | "updated" | "unchanged" | "deleted";
  readonly changedFields: readonly string[];
  /** Input the server kept its own value for (preserved fields, server-owned timestamps). */
  readonly ignoredFields: readonly string[];
  readonly data: T | null;
}

export interface ChangesPage<T = Record<string, unknown>> {
  readonly collection: string;
  readonly items: readonly {
    readonly id: string;
    readonly version: number;
    readonly deleted: boolean;
    readonly data: T | null;
  }[];
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
  readonly result: WriteResult | Problem;
}

export interface HttpSettings {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly tokens: TokenSource;
  /** The tab's connection id, so the push-gateway does not echo the tab's own writes back to it. */
  connectionId(): string | undefined;
  /** One request's bound, in ms. */
  readonly requestTimeoutMs: number;
}

/** The records API (`/api/records`), through the gateway: typed results, problems as errors, a token refreshed on 401. */
export class RecordsApi {
  constructor(private readonly http: HttpSettings) {}

  get<T = Record<string, unknown>>(collection: string, id: string): Promise<StoredRecord<T>> {
    return this.send("GET", `${path(collection)}/${encodeURIComponent(id)}`);
  }

  /** What changed after `since` (a collection version), in order, deletions included: a loader after a resync. */
  changes<T = Record<string, unknown>>(collection: string, since = 0, limit = 100): Promise<ChangesPage<T>> {
    return this.send("GET", `${path(collection)}?since=${since}&limit=${limit}`);
  }

  create<T = Record<string, unknown>>(collection: string, body: Record<string, unknown>): Promise<WriteResult<T>> {
    return this.send("POST", path(collection), body);
  }

  put<T = Record<string, unknown>>(
    collection: string,
    id: string,
    body: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<WriteResult<T>> {
    return this.send("PUT", recordPath(collection, id, options), body, options);
  }

  /** RFC 7396 merge patch: `null` removes a field. */
  patch<T = Record<string, unknown>>(
    collection: string,
    id: string,
    patch: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<WriteResult<T>> {
    return this.send("PATCH", recordPath(collection, id, options), patch, options, "application/merge-patch+json");
  }

  delete(collection: string, id: string, options: WriteOptions = {}): Promise<WriteResult> {
    return this.send("DELETE", recordPath(collection, id, options), undefined, options);
  }

  history(collection: string, id: string): Promise<{ readonly entries: readonly Record<string, unknown>[] }> {
    return this.send("GET", `${path(collection)}/${encodeURIComponent(id)}/history`);
  }

  /** Many writes in one request, applied in order, each with its own result (seed 003's `queueSync`). */
  async batch(operations: readonly BatchOperation[]): Promise<readonly BatchResult[]> {
    const answer = await this.send<{ results: BatchResult[] }>("POST", "/api/records/_batch", { operations });
    return answer.results;
  }

  private async send<T>(
    method: string,
    url: string,
    body?: unknown,
    options: WriteOptions = {},
    contentType = "application/json",
  ): Promise<T> {
    let response = await this.attempt(method, url, body, options, contentType, await this.http.tokens.current());
    if (response.status === 401) {
      response = await this.attempt(method, url, body, options, contentType, await this.http.tokens.refresh());
    }
    const text = await response.text();
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    if (response.ok) {
      return parsed as T;
    }
    const problem = (typeof parsed === "object" && parsed !== null ? parsed : { status: response.status }) as Problem;
    throw response.status === 412 ? new ConflictError(problem) : new ProblemError(response.status, problem);
  }

  private async attempt(
    method: string,
    url: string,
    body: unknown,
    options: WriteOptions,
    contentType: string,
    token: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = contentType;
    }
    if (options.ifMatch !== undefined) {
      headers["If-Match"] = options.ifMatch === "*" ? "*" : `"${options.ifMatch}"`;
    }
    const connectionId = this.http.connectionId();
    if (connectionId) {
      headers["X-Connection-Id"] = connectionId;
    }
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), this.http.requestTimeoutMs);
    try {
      const init: RequestInit = { method, headers, signal: abort.signal };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
      }
      return await this.http.fetch(`${this.http.baseUrl.replace(/\/$/, "")}${url}`, init);
    } catch (error) {
      throw new NetworkError(error);
    } finally {
      clearTimeout(timeout);
    }
  }
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
