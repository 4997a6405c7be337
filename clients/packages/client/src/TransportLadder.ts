import type { TransportKind } from "./ConnectionState.js";

/** Where the ladder remembers its rung for the rest of the session (sessionStorage in a browser). */
export interface SessionMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const MemoryKey = "realtimesync.transport";

/** A rung that worked on this page is left at this many failures in a row before a welcome; the ones before are absorbed. */
const ProvenRungPatience = 3;

/**
 * The transports in order of preference, WebSocket first. One that never worked (refused upgrade, a proxy that
 * drops frames, a blocked port) sends the client one rung down, and the rung is remembered for the session, so the
 * next page load does not wait for WebSocket to fail again. Climbing back is tried from time to time by the client.
 * A rung that worked on this page is not left for its first failures: those are the network or the server (a restart),
 * not the transport, and stepping down then would strand the client on a fallback for an upgrade interval once they are
 * back. Only a few failures in a row (a proxy that now blocks it) send the client down from it.
 */
export class TransportLadder {
  private index: number;
  private readonly proven = new Set<TransportKind>();
  private failuresInARow = 0;

  constructor(
    private readonly rungs: readonly TransportKind[],
    private readonly memory: SessionMemory | undefined,
  ) {
    if (rungs.length === 0) {
      throw new RangeError("At least one transport is needed");
    }
    const remembered = memory?.getItem(MemoryKey);
    const found = remembered ? rungs.indexOf(remembered as TransportKind) : -1;
    this.index = Math.max(0, found);
  }

  get current(): TransportKind {
    return this.rungs[this.index] as TransportKind;
  }

  /** The best rung, when the client stands lower. */
  get better(): TransportKind | undefined {
    return this.index > 0 ? this.rungs[0] : undefined;
  }

  /**
   * The current transport failed before it was welcomed: one rung down, or false at the bottom (the ladder starts
   * over), or false, staying, while it is a rung that worked on this page and has not failed often in a row.
   */
  stepDown(): boolean {
    if (this.proven.has(this.current) && ++this.failuresInARow < ProvenRungPatience) {
      return false;
    }
    this.proven.delete(this.current);
    this.failuresInARow = 0;
    if (this.index + 1 < this.rungs.length) {
      this.index++;
      this.remember();
      return true;
    }
    this.index = 0;
    this.remember();
    return false;
  }

  /** The current transport cannot be made here at all (no WebSocket or EventSource in this runtime): one rung down at once. */
  leave(): boolean {
    this.proven.delete(this.current);
    this.failuresInARow = 0;
    return this.stepDown();
  }

  /** Failures that said nothing about the transport (offline, no token) came between: "in a row" starts over. */
  forgive(): void {
    this.failuresInARow = 0;
  }

  /** A transport worked: stand on it. */
  standOn(kind: TransportKind): void {
    const found = this.rungs.indexOf(kind);
    if (found >= 0) {
      this.index = found;
      this.proven.add(kind);
      this.failuresInARow = 0;
      this.remember();
    }
  }

  private remember(): void {
    try {
      this.memory?.setItem(MemoryKey, this.current);
    } catch {
      // Storage may be full or refused (private mode): the ladder still works for this page.
    }
  }
}
