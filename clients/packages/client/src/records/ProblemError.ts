/** An RFC 9457 problem, as every RealtimeSync API answers a refusal. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: Readonly<Record<string, readonly string[]>>;
  readonly [extension: string]: unknown;
}

/** The server refused a request: its status and problem details. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = "ProblemError";
  }

  /** A refusal that sending again later may cure (busy, away, rate-limited). */
  get retriable(): boolean {
    return this.status === 429 || this.status === 503 || this.status === 502 || this.status === 504;
  }
}

/**
 * A save against a version someone else has moved on from (412): the record as it is now, and the fields changed
 * since the version the save was based on, so a form can show who changed what (seed 002's conflict notice).
 */
export class ConflictError<T = Record<string, unknown>> extends ProblemError {
  readonly currentVersion: number | undefined;
  readonly current: T | undefined;
  readonly changedFields: readonly string[];

  constructor(problem: Problem) {
    super(412, problem);
    this.name = "ConflictError";
    this.currentVersion = typeof problem["currentVersion"] === "number" ? problem["currentVersion"] : undefined;
    this.current = (problem["current"] ?? undefined) as T | undefined;
    this.changedFields = Array.isArray(problem["changedFields"]) ? (problem["changedFields"] as string[]) : [];
  }
}

/** No token could be had for the request (the app's `getToken` failed): it was not sent, or after a 401 not sent again; nothing was applied. */
export class TokenUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`no token: ${String(cause)}`);
    this.name = "TokenUnavailableError";
  }
}

/** The request never got an answer (offline, DNS, a timeout): nothing says whether it was applied. */
export class NetworkError extends Error {
  constructor(override readonly cause: unknown) {
    super(`network error: ${String(cause)}`);
    this.name = "NetworkError";
  }
}
