import { useCallback } from "react";
import { useRealtimeClient } from "@realtimesync/react";
import { LiveTable } from "./LiveTable.js";
import { useLiveRows } from "./useLiveRows.js";

const columns = [
  { field: "name", label: "Name" },
  { field: "role", label: "Role" },
  { field: "email", label: "Email" },
];

/** Seed 003's team, live: click a member to edit them. */
export function TeamList({
  selected,
  onSelect,
}: {
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
}) {
  const client = useRealtimeClient();
  const load = useCallback(async () => (await client.records.changes("team", 0, 100)).items, [client]);
  const { rows, error } = useLiveRows("records/team", load);
  return (
    <>
      {error && <p role="alert">{error}</p>}
      <LiveTable rows={rows} columns={columns} testId="team" selected={selected} onSelect={onSelect} />
    </>
  );
}
