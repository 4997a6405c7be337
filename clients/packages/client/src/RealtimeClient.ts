import { Backoff } from "./Backoff.js";
import type { ClientEvents, RealtimeClientOptions } from "./RealtimeClientOptions.js";
import { ConnectionQuality, type Quality } from "./ConnectionQuality.js";
import { ConnectionState, type TransportKind } from "./ConnectionState.js";
import { Emitter } from "./Emitter.js";
import { browserNetwork, documentVisibility, type NetworkStatus, type PageVisibility } from "./PageVisibility.js";
import { OutgoingMessages, type SendOptions, type Sent } from "./OutgoingMessages.js";
import { Presence } from "./Presence.js";
import {
  CloseCodes,
  type ChangeMessage,
  type ErrorFrame,
  type ServerFrame,
  type SubscribedFrame,
  type WelcomeFrame,
} from "./protocol.js";
import { ApiClient } from "./records/ApiClient.js";
import { IngestApi } from "./records/IngestApi.js";
import { RecordsApi } from "./records/RecordsApi.js";
import { WriteQueue } from "./records/WriteQueue.js";
import type { Subscription, SubscriptionOptions } from "./Subscription.js";
import { TopicSubscriptions } from "./TopicSubscriptions.js";
import { NamedTimers } from "./NamedTimers.js";
import { TokenSource } from "./TokenSource.js";
import type { ResyncInfo } from "./TopicStream.js";
import { TransportLadder, type SessionMemory } from "./TransportLadder.js";
import { PollingTransport } from "./transports/PollingTransport.js";
import { SseTransport } from "./transports/SseTransport.js";
import type { Transport, TransportClosure, TransportContext, TransportFactory } from "./transports/Transport.js";
import { WebSocketTransport } from "./transports/WebSocketTransport.js";

/**
 * One connection per tab to RealtimeSync's push-gateway, through the gateway. It picks the transport (WebSocket,
 * then SSE, then polling), reconnects with capped jittered backoff, keeps every topic's epoch and offset so each
 * message arrives exactly once and in order on any instance and any transport, reloads through the app's loader on
 * `resync`, refreshes tokens, rests polling while the page is hidden, measures the round trip, and writes records
 * with the tab's connection id and an ordered offline queue.
 */
export class RealtimeClient {
  readonly events = new Emitter<ClientEvents>();
  readonly records: RecordsApi;
  readonly ingest: IngestApi;
  readonly writes: WriteQueue;
  readonly presence: Presence;
  private readonly messages: OutgoingMessages;
  private readonly http: ApiClient;
  private readonly options: RealtimeClientOptions;
  private readonly tokens: TokenSource;
  private readonly connection = new ConnectionState((change) => this.events.emit("state", change));
  private readonly ladder: TransportLadder;
  private readonly backoff: Backoff;
  private readonly quality: ConnectionQuality;
  private readonly visibility: PageVisibility;
  private readonly factories: Partial<Record<TransportKind, TransportFactory | undefined>>;
  private readonly topics = new TopicSubscriptions();
  private readonly ownConnectionId = randomId();
  private readonly timers = new NamedTimers();
  private transport: Transport | undefined;
  private probe: Transport | undefined;
  private serverConnectionId: string | undefined;
  private heartbeatTimeoutMs = 30_000;
  private stopVisibility: (() => void) | undefined;
  private stopNetwork: (() => void) | undefined;
  private readonly network: NetworkStatus;
  private openedOffline = false;

  constructor(options: RealtimeClientOptions) {
    this.options = options;
    this.tokens = new TokenSource(options.getToken);
    this.ladder = new TransportLadder(
      options.transports ?? ["websocket", "sse", "polling"],
      options.sessionMemory === null ? undefined : (options.sessionMemory ?? defaultMemory()),
    );
    this.backoff = new Backoff(options.backoff, options.random);
    this.quality = new ConnectionQuality(options.slowRttMs ?? 1_000);
    this.visibility = options.visibility ?? documentVisibility();
    this.network = options.network ?? browserNetwork();
    this.factories = {
      websocket: WebSocketTransport.factory(),
      sse: SseTransport.factory(),
      polling: PollingTransport.factory(options.polling),
      ...options.transportFactories,
    };
    const http = new ApiClient({
      baseUrl: options.url ?? "",
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      tokens: this.tokens,
      connectionId: () => this.connectionId,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    });
    this.http = http;
    this.records = new RecordsApi(http);
    this.ingest = new IngestApi(http);
    this.writes = new WriteQueue(this.records, options.writeQueue);
    this.messages = new OutgoingMessages(
      http,
      (frame) => this.transport?.kind === "websocket" && this.connection.isOpen && this.transport.command(frame),
      options.requestTimeoutMs ?? 10_000,
      randomId,
    );
    this.presence = new Presence(
      (frame) => this.transport?.kind === "websocket" && this.connection.isOpen && this.transport.command(frame),
    );
  }

  get state() {
    return this.connection.current;
  }

  get transportKind(): TransportKind | undefined {
    return this.connection.transport;
  }

  get connectionQuality(): Quality {
    return this.quality.value;
  }

  /** The id writes carry as `X-Connection-Id`, so this tab's own changes are not echoed to it. */
  get connectionId(): string {
    return this.serverConnectionId ?? this.ownConnectionId;
  }

  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  connect(): void {
    if (this.connection.current !== "idle" && this.connection.current !== "disconnected") {
      return;
    }
    this.stopVisibility ??= this.visibility.onChange((hidden) => this.visibilityChanged(hidden));
    this.stopNetwork ??= this.network.onChange((online) => this.networkChanged(online));
    this.connection.to("connecting");
    this.open(this.ladder.current);
  }

  /** Leaves `failed` (or any wait) and tries again at once, on the transport the ladder stands on. */
  retry(): void {
    this.backoff.reset();
    if (this.connection.current === "failed") {
      this.connection.to("connecting");
      this.open(this.ladder.current);
    } else if (this.connection.current === "reconnecting" && !this.transport) {
      this.timers.clear("reconnect");
      this.open(this.ladder.current);
    }
  }

  disconnect(reason = "client disconnected"): void {
    this.stop();
    if (this.connection.can("disconnected")) {
      this.connection.to("disconnected", undefined, reason);
    }
  }

  /** Holds `topic` until the returned subscription is unsubscribed; a second call for the same topic shares it. */
  subscribe(topic: string, options: SubscriptionOptions = {}): Subscription {
    const { subscription, fresh } = this.topics.hold(topic, options, (released) => this.release(released));
    if (fresh && this.connection.isOpen && this.transport) {
      this.transport.subscribe([topic], this.topics.resumeFrom([subscription]));
    }
    return subscription;
  }

  /** A message to the user's own tabs (or, as admin, to user `to`): over the socket when there is one, else HTTP. */
  send(type: string, payload: unknown, options: SendOptions = {}): Promise<Sent> {
    return this.messages.send(type, payload, options);
  }

  private open(kind: TransportKind): void {
    const factory = this.factories[kind];
    if (!factory) {
      // Not a failure to wait out: this runtime cannot make the transport at all.
      if (this.ladder.leave()) {
        this.open(this.ladder.current);
      } else {
        this.closed({ reason: `${kind} is not available here`, established: false, untried: true });
      }
      return;
    }
    const transport = factory(this.context(), {
      frame: (frame) => this.transport === transport && this.frame(frame),
      closed: (closure) => this.transport === transport && this.closed(closure),
    });
    this.transport = transport;
    this.openedOffline = !this.network.online;
    // Still waiting for the app's token, the transport was never tried: a slow sign-in is not a broken transport.
    this.timers.arm("welcome", this.options.welcomeTimeoutMs ?? 5_000, () =>
      this.lost(transport, {
        reason: "no welcome in time",
        established: false,
        ...(this.tokens.refreshing ? { untried: true } : {}),
      }),
    );
    transport.open();
  }

  private frame(frame: ServerFrame): void {
    if (this.transport?.kind !== "polling") {
      this.timers.arm(
        "heartbeat",
        this.heartbeatTimeoutMs,
        () =>
          this.transport &&
          this.lost(this.transport, { reason: "no frame within the heartbeat timeout", established: true }),
      );
    }
    switch (frame.type) {
      case "welcome":
        return this.welcomed(frame as WelcomeFrame);
      case "subscribed":
        this.topics.subscribed(frame as SubscribedFrame).forEach((info) => this.events.emit("subscribed", info));
        return;
      case "resync": {
        const resync = frame as Extract<ServerFrame, { type: "resync" }>;
        const subscription = this.topics.of(resync.topic);
        if (subscription) {
          this.reload(subscription, subscription.stream.resync(resync));
        }
        return;
      }
      case "error": {
        const error = frame as ErrorFrame;
        if (this.messages.refused(error)) {
          return;
        }
        const subscription = error.topic ? this.topics.of(error.topic) : undefined;
        subscription?.events.emit("error", error);
        this.events.emit("error", error);
        return;
      }
      case "pong":
        this.quality.ponged();
        this.events.emit("quality", this.quality.value);
        return;
      case "presence":
        this.presence.applied(frame as Extract<ServerFrame, { type: "presence" }>);
        return;
      case "sent":
        this.messages.sent(frame as unknown as { messageId: string; timestamp: number; correlationId?: string | null });
        return;
      case "heartbeat":
      case "authenticated":
      case "unsubscribed":
      case "joined":
      case "left":
        return;
      default:
        return this.message(frame as ChangeMessage);
    }
  }

  private welcomed(welcome: WelcomeFrame): void {
    const transport = this.transport;
    if (!transport) {
      return;
    }
    this.timers.clear("welcome");
    this.serverConnectionId = transport.kind === "polling" ? undefined : welcome.connectionId;
    if (welcome.userId) {
      this.topics.ownTopicsOf(welcome.userId);
    }
    this.heartbeatTimeoutMs = (welcome.heartbeat?.timeoutSeconds ?? 30) * 1000;
    this.backoff.reset();
    this.ladder.standOn(transport.kind);
    this.quality.reset(transport.kind !== "websocket");
    this.connection.to(transport.kind === "websocket" ? "connected" : "degraded", transport.kind);
    this.events.emit("welcome", welcome);
    this.events.emit("quality", this.quality.value);
    const all = this.topics.all();
    if (all.length > 0) {
      transport.subscribe(
        all.map((subscription) => subscription.topic),
        this.topics.resumeFrom(all),
      );
    }
    this.presence.connected();
    this.writes.setOnline(true);
    this.scheduleTokenRefresh();
    if (transport.kind === "websocket") {
      this.timers.clear("upgrade");
      this.schedulePing();
    } else if (this.ladder.better === "websocket" && this.factories.websocket) {
      this.timers.arm("upgrade", this.options.upgradeIntervalMs ?? 30_000, () => this.tryUpgrade());
    }
  }

  private message(message: ChangeMessage): void {
    const subscription = this.topics.of(message.topic);
    if (!subscription) {
      return; // a topic left a moment ago
    }
    const outcome = subscription.stream.accept(message);
    if (outcome.kind === "deliver") {
      subscription.events.emit("message", message);
      this.events.emit("message", message);
    } else if (outcome.kind === "resync") {
      this.reload(subscription, outcome.info);
    }
  }

  private reload(subscription: Subscription, info: ResyncInfo): void {
    this.events.emit("resync", info);
    void subscription.reload(info, (error) =>
      this.events.emit("error", { code: "reload_failed", message: String(error), topic: subscription.topic }),
    );
  }

  private closed(closure: TransportClosure): void {
    const kind = this.transport?.kind;
    this.stopTransport();
    if (closure.code === CloseCodes.tokenExpired) {
      void this.tokens.refresh().catch(() => undefined);
    }
    // Offline (when the attempt began or ended), every transport fails; one never tried (no token) did not fail at all;
    // and the server refusing this user (too many connections, token expired) is not the transport either. None says
    // anything about this transport, so the ladder is left as it is.
    const offline = this.openedOffline || !this.network.online;
    const refused = closure.code === CloseCodes.tooManyConnections || closure.code === CloseCodes.tokenExpired;
    const tellsOfTransport = !closure.untried && !offline && !refused;
    if (!closure.established && !tellsOfTransport) {
      this.ladder.forgive();
    }
    if (!closure.established && tellsOfTransport && kind !== undefined && this.ladder.stepDown()) {
      // This transport does not work here: the next one at once, no backoff.
      if (this.connection.current !== "connecting") {
        this.connection.to("reconnecting", undefined, closure.reason);
      }
      this.open(this.ladder.current);
      return;
    }
    const limit = this.options.maxReconnectAttempts ?? Number.POSITIVE_INFINITY;
    if (this.backoff.attempts >= limit) {
      this.connection.to("failed", undefined, closure.reason);
      return;
    }
    this.connection.to("reconnecting", undefined, closure.reason);
    this.timers.arm("reconnect", this.backoff.next(), () => this.open(this.ladder.current));
  }

  /** Ends a transport the client judged dead (no welcome, no heartbeat) as if it had closed. */
  private lost(transport: Transport, closure: TransportClosure): void {
    if (this.transport !== transport) {
      return;
    }
    transport.close();
    this.closed(closure);
  }

  /** While degraded, opens a WebSocket beside the current transport; once it is welcomed, the client moves onto it. */
  private tryUpgrade(): void {
    const factory = this.factories.websocket;
    if (!factory || this.probe || !this.connection.isOpen || this.transport?.kind === "websocket") {
      return;
    }
    const probe = factory(this.context(), {
      frame: (frame) => {
        if (this.transport === probe) {
          this.frame(frame);
        } else if (frame.type === "welcome" && this.probe === probe) {
          this.probe = undefined;
          this.transport?.close();
          this.transport = probe;
          this.frame(frame);
        }
      },
      closed: (closure) => {
        if (this.transport === probe) {
          this.closed(closure);
        } else if (this.probe === probe) {
          this.probe = undefined;
          this.timers.arm("upgrade", this.options.upgradeIntervalMs ?? 30_000, () => this.tryUpgrade());
        }
      },
    });
    this.probe = probe;
    probe.open();
  }

  private visibilityChanged(hidden: boolean): void {
    this.transport?.visibilityChanged(hidden);
    const rest = this.options.hiddenRestMs;
    if (hidden && rest !== undefined && this.transport?.kind === "websocket") {
      this.timers.arm("rest", rest, () => this.disconnect("page hidden"));
    } else if (!hidden) {
      this.timers.clear("rest");
      if (this.connection.current === "disconnected" && this.stopVisibility) {
        this.connect();
      }
    }
  }

  /** Offline: the socket may linger for a heartbeat timeout, so it is ended now. Online again: no backoff wait. */
  private networkChanged(online: boolean): void {
    if (!online && this.transport) {
      this.lost(this.transport, { reason: "the browser went offline", established: true });
    } else if (online) {
      this.ladder.forgive();
      this.retry();
    }
  }

  /** Pings at once (a round trip to show from the start), then every `pingIntervalMs`. */
  private schedulePing(): void {
    if (this.transport?.kind !== "websocket") {
      return;
    }
    if (this.quality.pinged()) {
      this.transport.command({ type: "ping" });
    }
    this.events.emit("quality", this.quality.value);
    this.timers.arm("ping", this.options.pingIntervalMs ?? 10_000, () => this.schedulePing());
  }

  private scheduleTokenRefresh(): void {
    const refreshIn = this.tokens.refreshInMs();
    if (refreshIn === undefined) {
      return;
    }
    this.timers.arm("token", refreshIn, () => {
      void this.tokens.refresh().then(
        (token) => {
          this.transport?.command({ type: "auth", token });
          this.scheduleTokenRefresh();
        },
        () => undefined, // the server ends the connection at expiry; reconnecting asks again
      );
    });
  }

  private release(subscription: Subscription): void {
    if (this.topics.release(subscription) && this.connection.isOpen) {
      this.transport?.unsubscribe([subscription.topic]);
    }
  }

  private context(): TransportContext {
    return {
      baseUrl: this.options.url ?? "",
      connectionId: this.ownConnectionId,
      token: () => this.tokens.current(),
      topics: () => this.topics.appTopics(),
      positions: () => this.topics.positions(),
      http: this.http,
      hidden: () => this.visibility.hidden,
    };
  }

  private stopTransport(): void {
    this.timers.clear("welcome", "heartbeat", "ping", "token", "upgrade");
    this.transport = undefined;
    this.probe?.close();
    this.probe = undefined;
    this.writes.setOnline(false);
    this.messages.dropAll();
    this.presence.disconnected();
  }

  private stop(): void {
    const transport = this.transport;
    this.stopTransport();
    transport?.close();
    this.timers.clearAll();
  }
}

function randomId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID().replace(/-/g, "")
    : Math.random().toString(36).slice(2);
}

function defaultMemory(): SessionMemory | undefined {
  try {
    return typeof sessionStorage === "undefined" ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}
