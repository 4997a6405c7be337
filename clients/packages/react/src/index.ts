export { RealtimeProvider, type RealtimeProviderProps } from "./RealtimeProvider.js";
export { useRealtimeClient } from "./RealtimeContext.js";
export { useConnectionState, type ConnectionSnapshot } from "./useConnectionState.js";
export { useTopic, type TopicState, type UseTopicOptions } from "./useTopic.js";
export { useRecord, type RecordState, type RecordStatus, type RemoteChange, type SaveOptions } from "./useRecord.js";
export { useRealtimeSync, type RealtimeSyncState } from "./useRealtimeSync.js";
export { usePresence, type PresenceState } from "./usePresence.js";
export { SyncIndicator } from "./SyncIndicator.js";
