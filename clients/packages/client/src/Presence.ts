import { Emitter } from "./Emitter.js";
import { PresenceRoster } from "./PresenceRoster.js";
import type { PresenceFrame, PresenceMember } from "./protocol.js";

export interface PresenceEvents {
  change: { readonly topic: string; readonly members: readonly PresenceMember[] };
}

/**
 * Presence as the app sees it: who is on each subscribed topic, and this tab's own joins, which are kept and sent
 * again on every (re)connection over WebSocket (the only transport that carries commands).
 */
export class Presence {
  readonly events = new Emitter<PresenceEvents>();
  private readonly roster = new PresenceRoster();
  private readonly joined = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(private readonly command: (frame: Readonly<Record<string, unknown>>) => boolean) {}

  /** Joins `topic`'s presence with `state` (or replaces it); true if sent now, false if it waits for a WebSocket. */
  join(topic: string, state: Readonly<Record<string, unknown>> = {}): boolean {
    this.joined.set(topic, state);
    return this.command({ type: "join", topic, state });
  }

  leave(topic: string): boolean {
    const was = this.joined.delete(topic);
    return was && this.command({ type: "leave", topic });
  }

  members(topic: string): readonly PresenceMember[] {
    return this.roster.members(topic);
  }

  on<K extends keyof PresenceEvents>(event: K, listener: (payload: PresenceEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  applied(frame: PresenceFrame): void {
    this.events.emit("change", { topic: frame.topic, members: this.roster.apply(frame) });
  }

  /** A new connection: sends the tab's joins again. */
  connected(): void {
    for (const [topic, state] of this.joined) {
      this.command({ type: "join", topic, state });
    }
  }

  /** The connection ended: the roster is stale until the next snapshots. */
  disconnected(): void {
    this.roster.clear().forEach((topic) => this.events.emit("change", { topic, members: [] }));
  }
}
