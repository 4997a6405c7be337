import { Base64Url } from "./Base64Url.js";

/**
 * The push protocol's frames, as docs/architecture.md ("The push protocol") defines them. A frame whose `type` is a
 * control type is a control frame; every other frame is a change message and carries `topic`, `epoch` and `offset`.
 */

/** A reader's place on one topic: offsets mean something only within their epoch. */
export interface TopicPosition {
  readonly epoch: string;
  readonly offset: number;
}

/** The payload of a `record.*` message. */
export interface RecordChangePayload {
  readonly collection: string;
  readonly id: string;
  readonly version: number;
  readonly operation: "created" | "updated" | "deleted" | string;
  readonly changedFields: readonly string[];
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A change message on a topic. */
export interface ChangeMessage<TPayload = unknown> {
  readonly topic: string;
  readonly offset: number;
  readonly epoch: string;
  readonly type: string;
  readonly payload: TPayload;
  readonly timestamp?: number;
  readonly eventId?: string;
  readonly origin?: string;
  readonly actor?: string;
}

export interface WelcomeFrame {
  readonly type: "welcome";
  readonly connectionId: string;
  readonly instance?: string;
  readonly userId: string;
  readonly heartbeat?: { readonly intervalSeconds: number; readonly timeoutSeconds: number };
}

export interface SubscribedFrame {
  readonly type: "subscribed";
  readonly topics: readonly string[];
  /** Where each topic subscribed "from now" stood when it was acknowledged (servers that send it). */
  readonly positions?: Readonly<Record<string, { readonly epoch: string | null; readonly offset: number }>>;
}

export interface ResyncFrame {
  readonly type: "resync";
  readonly topic: string;
  readonly reason: string;
  readonly epoch: string | null;
  readonly offset: number;
}

export interface ErrorFrame {
  readonly type: "error";
  readonly code: string;
  readonly message: string;
  readonly topic?: string | null;
}

/** Someone on a topic's presence, with the small state they chose to share. */
export interface PresenceMember {
  readonly connectionId: string;
  readonly userId: string;
  readonly state?: Readonly<Record<string, unknown>>;
  readonly since?: number;
}

export interface PresenceFrame {
  readonly type: "presence";
  readonly topic: string;
  readonly event: "snapshot" | "join" | "update" | "leave";
  readonly members?: readonly PresenceMember[];
  readonly member?: PresenceMember;
}

export interface SimpleControlFrame {
  readonly type: "heartbeat" | "pong" | "unsubscribed" | "authenticated" | "joined" | "left" | "sent";
  readonly topic?: string;
  readonly topics?: readonly string[];
  readonly expiresAt?: number | null;
  readonly timestamp?: number;
}

export type ControlFrame =
  WelcomeFrame | SubscribedFrame | ResyncFrame | ErrorFrame | PresenceFrame | SimpleControlFrame;

export type ServerFrame = ControlFrame | ChangeMessage;

/** The control types (Contracts' `ControlFrames`): `send` and `broadcast` refuse them, so no message looks like one. */
export const CONTROL_TYPES: ReadonlySet<string> = new Set([
  "welcome",
  "heartbeat",
  "subscribed",
  "unsubscribed",
  "pong",
  "resync",
  "error",
  "authenticated",
  "presence",
  "joined",
  "left",
  "sent",
]);

export function isControlFrame(frame: ServerFrame): frame is ControlFrame {
  return CONTROL_TYPES.has(frame.type);
}

/** Parses one frame's JSON; anything that is neither a control frame nor a well-formed message is refused. */
export function parseFrame(text: string): ServerFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || typeof (value as { type?: unknown }).type !== "string") {
    return undefined;
  }
  const frame = value as ServerFrame;
  if (isControlFrame(frame)) {
    return frame;
  }
  const message = value as Partial<ChangeMessage>;
  return typeof message.topic === "string" && typeof message.epoch === "string" && typeof message.offset === "number"
    ? (value as ChangeMessage)
    : undefined;
}

/** The close codes a push-gateway uses (docs/architecture.md). */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  replayFailed: 1011,
  tokenExpired: 4001,
  overflow: 4008,
  tooManyConnections: 4029,
} as const;

/**
 * The cursor the polling API and event streams use: base64url of `{"topic":["epoch",offset]}`. The client keeps
 * positions itself and hands them to whichever transport it uses, so resuming works across transports and instances.
 */
export function encodeCursor(positions: ReadonlyMap<string, TopicPosition>): string {
  const value: Record<string, [string, number]> = {};
  for (const [topic, position] of positions) {
    value[topic] = [position.epoch, position.offset];
  }
  return Base64Url.encode(JSON.stringify(value));
}

export function decodeCursor(cursor: string): Map<string, TopicPosition> {
  const value = JSON.parse(Base64Url.decode(cursor)) as Record<string, [string, number]>;
  return new Map(Object.entries(value).map(([topic, [epoch, offset]]) => [topic, { epoch, offset }]));
}
