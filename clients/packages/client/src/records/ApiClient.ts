import type { TokenSource } from "../TokenSource.js";
import { ConflictError, NetworkError, ProblemError, type Problem } from "./ProblemError.js";
import type { WriteOptions } from "./RecordsApi.js";

export interface HttpSettings {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly tokens: TokenSource;
  /** The tab's connection id, so the push-gateway does not echo the tab's own writes back to it. */
  connectionId(): string | undefined;
  /** One request's bound, in ms. */
  readonly requestTimeoutMs: number;
}

/** HTTP to RealtimeSync's APIs through the gateway: the bearer token (refreshed once on 401), a bound, problems as typed errors. */
export class ApiClient {
  constructor(private readonly http: HttpSettings) {}

  async send<T>(
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
