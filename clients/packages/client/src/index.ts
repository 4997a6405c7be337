export { RealtimeClient } from "./RealtimeClient.js";
export type { ClientEvents, RealtimeClientOptions } from "./RealtimeClientOptions.js";
export { OutgoingMessages, type SendOptions, type Sent } from "./OutgoingMessages.js";
export { Subscription, type SubscriptionEvents, type SubscriptionOptions } from "./Subscription.js";
export { Presence, type PresenceEvents } from "./Presence.js";
export type { ConnectionStateName, StateChange, TransportKind } from "./ConnectionState.js";
export type { Quality } from "./ConnectionQuality.js";
export type { ResyncInfo, SubscribedInfo } from "./TopicStream.js";
export { TopicStream } from "./TopicStream.js";
export { Backoff, type BackoffOptions } from "./Backoff.js";
export type { NetworkStatus, PageVisibility } from "./PageVisibility.js";
export type { TokenProvider } from "./TokenSource.js";
export {
  RecordsApi,
  type BatchOperation,
  type BatchResult,
  type ChangesPage,
  type HistoryEntry,
  type HistoryPage,
  type StoredRecord,
  type WriteOptions,
  type WriteResult,
} from "./records/RecordsApi.js";
export { IngestApi, type IngestedPage, type IngestedRecord } from "./records/IngestApi.js";
export { ApiClient, type ApiRequest, type ApiSender, type HttpSettings } from "./records/ApiClient.js";
export {
  ConflictError,
  NetworkError,
  ProblemError,
  TokenUnavailableError,
  type Problem,
} from "./records/ProblemError.js";
export { WriteQueue, type WriteQueueEvents, type WriteQueueOptions } from "./records/WriteQueue.js";
export type {
  Transport,
  TransportClosure,
  TransportContext,
  TransportEvents,
  TransportFactory,
} from "./transports/Transport.js";
export type { PollingOptions } from "./transports/PollingTransport.js";
export {
  CloseCodes,
  CONTROL_TYPES,
  decodeCursor,
  encodeCursor,
  isControlFrame,
  parseFrame,
  type ChangeMessage,
  type ControlFrame,
  type PresenceMember,
  type RecordChangePayload,
  type ServerFrame,
  type TopicPosition,
} from "./protocol.js";
