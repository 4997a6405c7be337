export type ConnectionStateName =
  "idle" | "connecting" | "connected" | "degraded" | "reconnecting" | "disconnected" | "failed";

export type TransportKind = "websocket" | "sse" | "polling";

export interface StateChange {
  readonly previous: ConnectionStateName;
  readonly current: ConnectionStateName;
  /** The transport in use once connected or degraded. */
  readonly transport: TransportKind | undefined;
  readonly reason?: string;
}

/**
 * The connection's lifecycle. `connected` is WebSocket; `degraded` is connected over SSE or polling;
 * `reconnecting` waits out a backoff between attempts; `failed` is the attempt limit reached (only `retry()` leaves it);
 * `disconnected` is the app's choice (or a hidden tab resting its socket).
 */
const allowed: Readonly<Record<ConnectionStateName, readonly ConnectionStateName[]>> = {
  idle: ["connecting", "disconnected"],
  connecting: ["connected", "degraded", "reconnecting", "failed", "disconnected"],
  connected: ["degraded", "reconnecting", "disconnected"],
  degraded: ["connected", "reconnecting", "disconnected"],
  reconnecting: ["connecting", "connected", "degraded", "failed", "disconnected"],
  disconnected: ["connecting"],
  failed: ["connecting", "disconnected"],
};

export class ConnectionState {
  private state: ConnectionStateName = "idle";
  private kind: TransportKind | undefined;

  constructor(private readonly changed: (change: StateChange) => void) {}

  get current(): ConnectionStateName {
    return this.state;
  }

  get transport(): TransportKind | undefined {
    return this.kind;
  }

  /** Whether messages can flow now. */
  get isOpen(): boolean {
    return this.state === "connected" || this.state === "degraded";
  }

  can(next: ConnectionStateName): boolean {
    return allowed[this.state].includes(next);
  }

  /** Moves to `next`; a transition the table does not allow is a bug in the client, so it throws. */
  to(next: ConnectionStateName, transport?: TransportKind, reason?: string): void {
    if (next === this.state && transport === this.kind) {
      return;
    }
    if (next !== this.state && !this.can(next)) {
      throw new Error(`RealtimeSync client: no transition from ${this.state} to ${next}`);
    }
    const previous = this.state;
    this.state = next;
    this.kind = next === "connected" || next === "degraded" ? transport : undefined;
    this.changed(
      reason === undefined
        ? { previous, current: next, transport: this.kind }
        : { previous, current: next, transport: this.kind, reason },
    );
  }
}
