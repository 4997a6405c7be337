import { useState } from "react";
import type { ConnectionStateName } from "@realtimesync/client";
import { useConnectionState } from "./useConnectionState.js";
import { useRealtimeSync } from "./useRealtimeSync.js";

const labels: Record<ConnectionStateName, string> = {
  idle: "Not connected",
  connecting: "Connecting…",
  connected: "Live",
  degraded: "Live (fallback)",
  reconnecting: "Reconnecting…",
  disconnected: "Offline",
  failed: "Connection failed",
};

/** Seed 003's `RealtimeSyncIndicator`: the connection's state, the last sync and pending writes; details on click. */
export function SyncIndicator({ className }: { readonly className?: string }) {
  const connection = useConnectionState();
  const { pending, lastSyncTime, syncError } = useRealtimeSync();
  const [open, setOpen] = useState(false);
  return (
    <div
      className={className ?? "rs-sync-indicator"}
      data-state={connection.state}
      data-transport={connection.transport ?? ""}
      role="status"
      aria-live="polite"
    >
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="rs-dot" aria-hidden="true" /> {labels[connection.state]}
        {pending > 0 ? ` · ${pending} pending` : ""}
      </button>
      {open && (
        <dl className="rs-details">
          <dt>State</dt>
          <dd data-testid="sync-state">{connection.state}</dd>
          <dt>Transport</dt>
          <dd>{connection.transport ?? "none"}</dd>
          <dt>Round trip</dt>
          <dd>
            {connection.quality.rttMs === undefined ? "n/a" : `${connection.quality.rttMs} ms`}
            {connection.quality.degraded ? " (degraded)" : ""}
          </dd>
          <dt>Last sync</dt>
          <dd>{lastSyncTime ? lastSyncTime.toLocaleTimeString() : "never"}</dd>
          <dt>Pending writes</dt>
          <dd>{pending}</dd>
          {syncError && (
            <>
              <dt>Last error</dt>
              <dd>{syncError}</dd>
            </>
          )}
          {connection.reason && (
            <>
              <dt>Last change</dt>
              <dd>{connection.reason}</dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}
