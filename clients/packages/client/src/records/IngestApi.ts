import type { ApiClient } from "./ApiClient.js";

export interface IngestedRecord<T = Record<string, unknown>> {
  readonly id: string;
  readonly version: number;
  readonly writeDate?: string | null;
  readonly data: T;
}

export interface IngestedPage<T = Record<string, unknown>> {
  readonly model: string;
  readonly items: readonly IngestedRecord<T>[];
  /** The `before` of the next (older) page; null on the last. */
  readonly next?: number | null;
}

/** What odoo-ingest synced (`/api/ingest/records/{model}`): a screen's first load, before it follows `records/{model}`. */
export class IngestApi {
  constructor(private readonly http: ApiClient) {}

  records<T = Record<string, unknown>>(
    model: string,
    options: { readonly limit?: number; readonly before?: number } = {},
  ): Promise<IngestedPage<T>> {
    const query = new URLSearchParams({ limit: String(options.limit ?? 100) });
    if (options.before !== undefined) {
      query.set("before", String(options.before));
    }
    return this.http.send("GET", `/api/ingest/records/${encodeURIComponent(model)}?${query.toString()}`);
  }
}
