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
  // Every member, page by page (bounded): the changes feed from version 0 is the collection as it stands.
  const load = useCallback(async () => {
    const rows = [];
    let since = 0;
    for (let page = 0; page < 20; page++) {
      const answer = await client.records.changes("team", since, 500);
      rows.push(...answer.items);
      since = answer.nextSince;
      if (!answer.hasMore) {
        break;
      }
    }
    // The feed lists a record at each version it reached: keep its latest.
    return [...new Map(rows.map((row) => [row.id, row])).values()].reverse();
  }, [client]);
  const { rows, error } = useLiveRows("records/team", load);
  return (
    <>
      {error && <p role="alert">{error}</p>}
      <LiveTable rows={rows} columns={columns} testId="team" selected={selected} onSelect={onSelect} />
    </>
  );
}
