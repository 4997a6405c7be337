import type { BackoffOptions } from "./Backoff.js";
import type { Quality } from "./ConnectionQuality.js";
import type { StateChange, TransportKind } from "./ConnectionState.js";
import type { NetworkStatus, PageVisibility } from "./PageVisibility.js";
import type { ChangeMessage, ErrorFrame, WelcomeFrame } from "./protocol.js";
import type { WriteQueueOptions } from "./records/WriteQueue.js";
import type { TokenProvider } from "./TokenSource.js";
import type { ResyncInfo, SubscribedInfo } from "./TopicStream.js";
import type { SessionMemory } from "./TransportLadder.js";
import type { PollingOptions } from "./transports/PollingTransport.js";
import type { TransportFactory } from "./transports/Transport.js";

export interface RealtimeClientOptions {
  /** The gateway's address; "" (the default) is the page's own origin. */
  readonly url?: string;
  /** The signed-in user's token, asked for at connect, before expiry, and after a refusal. */
  readonly getToken: TokenProvider;
  /** Transports in order of preference (default WebSocket, SSE, polling). */
  readonly transports?: readonly TransportKind[];
  /** Replaces a transport's implementation (tests, custom environments). */
  readonly transportFactories?: Partial<Record<TransportKind, TransportFactory>>;
  readonly backoff?: BackoffOptions;
  /** Attempts in a row before giving up in `failed` (default: never give up). `retry()` starts again. */
  readonly maxReconnectAttempts?: number;
  /** A transport that sends no `welcome` within this is taken as not working here (default 5000 ms). */
  readonly welcomeTimeoutMs?: number;
  /** How often a degraded connection tries WebSocket again (default 30 000 ms). */
  readonly upgradeIntervalMs?: number;
  /** Close a hidden tab's WebSocket after this long hidden (default: keep it). It reconnects when shown. */
  readonly hiddenRestMs?: number;
  /** Between pings that measure the round trip (default 10 000 ms). */
  readonly pingIntervalMs?: number;
  /** A smoothed round trip above this marks the connection degraded (default 1000 ms). */
  readonly slowRttMs?: number;
  readonly polling?: PollingOptions;
  readonly visibility?: PageVisibility;
  /** The browser's online state: going offline ends the connection at once, coming back reconnects at once. */
  readonly network?: NetworkStatus;
  /** Remembers the working transport for the session (default sessionStorage where there is one). */
  readonly sessionMemory?: SessionMemory | null;
  readonly fetch?: typeof fetch;
  /** One HTTP request's bound (default 10 000 ms). */
  readonly requestTimeoutMs?: number;
  readonly writeQueue?: WriteQueueOptions;
  readonly random?: () => number;
}

export interface ClientEvents {
  state: StateChange;
  welcome: WelcomeFrame;
  /** Every message on every topic, the user's own and broadcasts included. */
  message: ChangeMessage;
  subscribed: SubscribedInfo;
  resync: ResyncInfo;
  error: ErrorFrame | { readonly code: "reload_failed"; readonly message: string; readonly topic: string };
  quality: Quality;
}
