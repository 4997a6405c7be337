import { describe, expect, it } from "vitest";
import { Backoff } from "../src/Backoff.js";

describe("Backoff", () => {
  it("doubles from the initial delay up to the cap", () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 20_000, jitter: 0 });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
    expect(backoff.attempts).toBe(8);
  });

  it("takes at most the jitter's share off each delay", () => {
    const low = new Backoff({ initialMs: 1000, jitter: 0.5 }, () => 0.999);
    const high = new Backoff({ initialMs: 1000, jitter: 0.5 }, () => 0);
    expect(low.next()).toBe(500);
    expect(high.next()).toBe(1000);
  });

  it("starts over after a reset", () => {
    const backoff = new Backoff({ initialMs: 100, jitter: 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it("refuses settings that cannot work", () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 1000, maxMs: 10 })).toThrow(RangeError);
  });
});
