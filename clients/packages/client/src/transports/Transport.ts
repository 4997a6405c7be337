import type { TransportKind } from "../ConnectionState.js";
import type { ServerFrame, TopicPosition } from "../protocol.js";
import type { ApiSender } from "../records/ApiClient.js";

/** What a transport may ask of the client that owns it. */
export interface TransportContext {
  /** The gateway's address ("" for the page's own origin). */
  readonly baseUrl: string;
  /** The tab's own id over polling, where the server gives none (echo suppression). */
  readonly connectionId: string;
  /** The token for a connection's address (WebSocket and SSE cannot send headers). */
  token(): Promise<string>;
  /** Authenticated HTTP to the gateway (polling). */
  readonly http: ApiSender;
  /** Every topic the app holds, in the order subscribed. */
  topics(): readonly string[];
  /** Every known position, the connection's own topics included: what any transport resumes from. */
  positions(): ReadonlyMap<string, TopicPosition>;
  /** Whether the page is hidden now (polling rests while it is). */
  hidden(): boolean;
}

export interface TransportClosure {
  readonly reason: string;
  /** A WebSocket close code, where there was one. */
  readonly code?: number;
  /** The transport had delivered its welcome: it worked, and failed later. */
  readonly established: boolean;
  /** The transport was never tried (there was no token to try it with): the failure says nothing about the transport. */
  readonly untried?: boolean;
}

export interface TransportEvents {
  frame(frame: ServerFrame): void;
  closed(closure: TransportClosure): void;
}

/**
 * One way of reaching the push-gateway. Every transport yields the same frames (a `welcome` once it works, then
 * `subscribed`, messages and control frames); the client keeps positions and dedupes, so switching is safe at any time.
 */
export interface Transport {
  readonly kind: TransportKind;
  open(): void;
  /** Adds topics, resuming each from `from` where a position is known. */
  subscribe(topics: readonly string[], from: ReadonlyMap<string, TopicPosition>): void;
  unsubscribe(topics: readonly string[]): void;
  /** Sends a protocol command (ping, auth, join, leave); false where this transport cannot carry commands. */
  command(frame: Readonly<Record<string, unknown>>): boolean;
  /** The page's visibility changed. */
  visibilityChanged(hidden: boolean): void;
  /** Ends it; no `closed` event follows a close the client asked for. */
  close(): void;
}

export type TransportFactory = (context: TransportContext, events: TransportEvents) => Transport;
