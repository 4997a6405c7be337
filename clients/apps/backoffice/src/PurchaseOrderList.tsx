import { useCallback } from "react";
import { useRealtimeClient } from "@realtimesync/react";
import { LiveTable, type Column } from "./LiveTable.js";
import { useLiveRows } from "./useLiveRows.js";

/** A many2one as Odoo stores it (`[id, "name"]`) or as a push message carries it (`{id, display_name}`). */
function displayName(value: unknown): string {
  if (Array.isArray(value)) {
    return String(value[1] ?? value[0] ?? "");
  }
  if (value && typeof value === "object" && "display_name" in value) {
    return String((value as { display_name: unknown }).display_name);
  }
  return value === false || value === null || value === undefined ? "" : String(value);
}

const columns: readonly Column[] = [
  { field: "name", label: "Reference" },
  { field: "partner_id", label: "Vendor", format: displayName },
  { field: "state", label: "Status" },
  { field: "amount_total", label: "Total", format: (value) => (typeof value === "number" ? value.toFixed(2) : "") },
  { field: "date_order", label: "Order date", format: displayName },
];

/** The purchase orders odoo-ingest synced, following every change Odoo makes (seed 002's list). */
export function PurchaseOrderList() {
  const client = useRealtimeClient();
  const load = useCallback(async () => (await client.ingest.records("purchase.order", { limit: 50 })).items, [client]);
  const { rows, error } = useLiveRows("records/purchase.order", load);
  return (
    <>
      {error && <p role="alert">{error}</p>}
      <LiveTable rows={rows} columns={columns} testId="orders" />
    </>
  );
}
