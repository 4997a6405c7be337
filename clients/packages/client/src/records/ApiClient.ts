import type { TokenSource } from "../TokenSource.js";
import { ConflictError, NetworkError, ProblemError, TokenUnavailableError, type Problem } from "./ProblemError.js";

export interface HttpSettings {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly tokens: TokenSource;
  /** The tab's connection id, so the push-gateway does not echo the tab's own writes back to it. */
  connectionId(): string | undefined;
  /** One request's bound, in ms. */
  readonly requestTimeoutMs: number;
}

/** One request's particulars beyond method and address. */
export interface ApiRequest {
  readonly body?: unknown;
  /** `If-Match`: a version, or `*`. */
  readonly ifMatch?: number | "*";
  readonly contentType?: string;
  /** Ends the request early (a transport closing). */
  readonly signal?: AbortSignal;
  /** This request's bound, in ms, instead of the client's. */
  readonly timeoutMs?: number;
}

/** What a caller of the APIs needs: one authenticated request. */
export interface ApiSender {
  send<T>(method: string, url: string, request?: ApiRequest): Promise<T>;
}

/**
 * HTTP to RealtimeSync's APIs through the gateway, for every caller (records, ingest, send, polling): the bearer token
 * (refreshed once on 401), the tab's connection id, a bound, problems as typed errors.
 */
export class ApiClient implements ApiSender {
  constructor(private readonly http: HttpSettings) {}

  async send<T>(method: string, url: string, request: ApiRequest = {}): Promise<T> {
    let response = await this.attempt(method, url, request, await this.token(false));
    if (response.status === 401) {
      response = await this.attempt(method, url, request, await this.token(true));
    }
    const text = await response.text();
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    if (response.ok) {
      return parsed as T;
    }
    const problem = (typeof parsed === "object" && parsed !== null ? parsed : { status: response.status }) as Problem;
    throw response.status === 412 ? new ConflictError(problem) : new ProblemError(response.status, problem);
  }

  private async token(fresh: boolean): Promise<string> {
    try {
      return await (fresh ? this.http.tokens.refresh() : this.http.tokens.current());
    } catch (error) {
      throw new TokenUnavailableError(error);
    }
  }

  private async attempt(method: string, url: string, request: ApiRequest, token: string): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (request.body !== undefined) {
      headers["Content-Type"] = request.contentType ?? "application/json";
    }
    if (request.ifMatch !== undefined) {
      headers["If-Match"] = request.ifMatch === "*" ? "*" : `"${request.ifMatch}"`;
    }
    const connectionId = this.http.connectionId();
    if (connectionId) {
      headers["X-Connection-Id"] = connectionId;
    }
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), request.timeoutMs ?? this.http.requestTimeoutMs);
    const signal = request.signal ? AbortSignal.any([abort.signal, request.signal]) : abort.signal;
    try {
      const init: RequestInit = { method, headers, signal, cache: "no-store" };
      if (request.body !== undefined) {
        init.body = JSON.stringify(request.body);
      }
      return await this.http.fetch(`${this.http.baseUrl.replace(/\/$/, "")}${url}`, init);
    } catch (error) {
      throw new NetworkError(error);
    } finally {
      clearTimeout(timeout);
    }
  }
}
