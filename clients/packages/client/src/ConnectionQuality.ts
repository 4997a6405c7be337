export interface Quality {
  /** The last ping's round trip, in ms; undefined before the first. */
  readonly rttMs: number | undefined;
  /** A smoothed round trip, in ms. */
  readonly averageRttMs: number | undefined;
  /** Slow round trips, a missed pong, or a fallback transport. */
  readonly degraded: boolean;
}

/**
 * Round trips measured from `ping`/`pong`, smoothed as TCP does (1/8 of each new sample), and a degraded flag when
 * the smoothed time passes the threshold or a pong is late. Over SSE and polling there is no ping: degraded by nature.
 */
export class ConnectionQuality {
  private sentAt: number | undefined;
  private last: number | undefined;
  private average: number | undefined;
  private late = false;
  private fallback = false;

  constructor(
    private readonly slowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get value(): Quality {
    return {
      rttMs: this.last,
      averageRttMs: this.average,
      degraded: this.fallback || this.late || (this.average ?? 0) > this.slowMs,
    };
  }

  /** A ping goes out; returns false if the previous one is still unanswered (now counted late). */
  pinged(): boolean {
    if (this.sentAt !== undefined) {
      this.late = true;
      return false;
    }
    this.sentAt = this.now();
    return true;
  }

  ponged(): void {
    if (this.sentAt === undefined) {
      return;
    }
    const sample = this.now() - this.sentAt;
    this.sentAt = undefined;
    this.late = false;
    this.last = sample;
    this.average = this.average === undefined ? sample : this.average + (sample - this.average) / 8;
  }

  /** A new transport: nothing measured on the old one says anything about it. */
  reset(fallback: boolean): void {
    this.sentAt = undefined;
    this.last = undefined;
    this.average = undefined;
    this.late = false;
    this.fallback = fallback;
  }
}
