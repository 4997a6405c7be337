import type { TransportKind } from "./ConnectionState.js";

/** Where the ladder remembers its rung for the rest of the session (sessionStorage in a browser). */
export interface SessionMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const MemoryKey = "realtimesync.transport";

/**
 * The transports in order of preference, WebSocket first. One that never worked (refused upgrade, a proxy that
 * drops frames, a blocked port) sends the client one rung down, and the rung is remembered for the session, so the
 * next page load does not wait for WebSocket to fail again. Climbing back is tried from time to time by the client.
 * A rung that worked on this page is never left for failing later: that is the network or the server, not the
 * transport, and stepping down then would strand the client on a fallback for an upgrade interval once they return.
 */
export class TransportLadder {
  private index: number;
  private readonly proven = new Set<TransportKind>();

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
   * over), or false, staying, when it worked before on this page.
   */
  stepDown(): boolean {
    if (this.proven.has(this.current)) {
      return false;
    }
    if (this.index + 1 < this.rungs.length) {
      this.index++;
      this.remember();
      return true;
    }
    this.index = 0;
    this.remember();
    return false;
  }

  /** A transport worked: stand on it. */
  standOn(kind: TransportKind): void {
    const found = this.rungs.indexOf(kind);
    if (found >= 0) {
      this.index = found;
      this.proven.add(kind);
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
