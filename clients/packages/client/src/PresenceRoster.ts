import type { PresenceFrame, PresenceMember } from "./protocol.js";

/**
 * Who is on each topic, from the server's presence frames: a snapshot (after each subscribe, so also after every
 * reconnection) replaces the topic's members, then joins, updates and leaves patch it.
 */
export class PresenceRoster {
  private readonly topics = new Map<string, Map<string, PresenceMember>>();

  members(topic: string): readonly PresenceMember[] {
    return [...(this.topics.get(topic)?.values() ?? [])];
  }

  /** Applies a frame; returns the topic's members after it. */
  apply(frame: PresenceFrame): readonly PresenceMember[] {
    let members = this.topics.get(frame.topic);
    if (frame.event === "snapshot" || !members) {
      members = new Map();
      this.topics.set(frame.topic, members);
    }
    if (frame.event === "snapshot") {
      for (const member of frame.members ?? []) {
        members.set(member.connectionId, member);
      }
    } else if (frame.member) {
      if (frame.event === "leave") {
        members.delete(frame.member.connectionId);
      } else {
        members.set(frame.member.connectionId, frame.member);
      }
    }
    return this.members(frame.topic);
  }

  forget(topic: string): void {
    this.topics.delete(topic);
  }

  /** The connection is gone: nothing known about anyone is current until the next snapshots. Returns the topics it knew. */
  clear(): string[] {
    const topics = [...this.topics.keys()];
    this.topics.clear();
    return topics;
  }
}
