export interface BackoffOptions {
  /** First delay, in ms (default 500). */
  readonly initialMs?: number;
  /** Largest delay, in ms (default 20 000). */
  readonly maxMs?: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Share of each delay taken off at random, 0 to 1 (default 0.5), so a thousand tabs do not reconnect in step. */
  readonly jitter?: number;
}

/** Capped, jittered exponential delays between reconnection attempts. */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private attempt = 0;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 20_000;
    this.factor = options.factor ?? 2;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    if (this.initialMs <= 0 || this.maxMs < this.initialMs || this.factor < 1) {
      throw new RangeError("Backoff needs 0 < initialMs <= maxMs and factor >= 1");
    }
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt, and counts it. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    return Math.round(ceiling * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
