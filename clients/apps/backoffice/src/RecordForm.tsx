import { useState } from "react";
import { usePresence, useRecord } from "@realtimesync/react";
import { ProblemError, type WriteResult } from "@realtimesync/client";

export interface Field {
  readonly name: string;
  readonly label: string;
}

type Values = Record<string, unknown>;

/**
 * Seed 002's form on a merge-api record: fields someone else changes update silently, unless being edited here, which
 * raises a warning instead; presence shows who else is editing which field; a save against a newer version that
 * changed a field edited here gets the conflict notice. Saves go through the client's ordered write queue (seed 003's
 * smart merge and preserved fields; queued while offline).
 */
export function RecordForm({
  collection,
  id,
  fields,
}: {
  readonly collection: string;
  readonly id: string;
  readonly fields: readonly Field[];
}) {
  const record = useRecord<Values>(collection, id);
  const presence = usePresence(`records/${collection}/${id}`);
  const [edits, setEdits] = useState<Values>({});
  const [saved, setSaved] = useState<WriteResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const label = (name: string) => fields.find((field) => field.name === name)?.label ?? name;

  // Another user changed a field this form is editing: warn rather than overwrite what is being typed.
  const clashes = record.remoteChange?.fields.filter((field) => field in edits) ?? [];
  const editors = presence.others.filter((member) => typeof member.state?.["editing"] === "string");
  const conflict = record.conflict;

  const save = async (force?: number) => {
    // Only fields that have a value: an empty input never typed in is no value (an empty email would be refused).
    const body = Object.fromEntries(
      fields
        .map((field) => [field.name, edits[field.name] ?? record.data?.[field.name]])
        .filter(([, value]) => value !== undefined),
    );
    try {
      const result = await record.save(body, { fields: Object.keys(edits), ...(force === undefined ? {} : { force }) });
      setError(undefined);
      if (result) {
        setEdits({});
        setSaved(result);
      }
    } catch (failure) {
      const errors =
        failure instanceof ProblemError && failure.problem.errors ? Object.entries(failure.problem.errors) : [];
      setError(
        [
          failure instanceof Error ? failure.message : String(failure),
          ...errors.map(([name, why]) => `${label(name)}: ${why.join(" ")}`),
        ].join(" "),
      );
    }
  };

  if (record.status === "loading") {
    return <p>Loading…</p>;
  }
  return (
    <form
      className="record-form"
      data-testid={`form-${collection}`}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {editors.map((member) => (
        <p key={member.connectionId} className="presence" data-testid="presence">
          {member.userId} is editing {label(String(member.state?.["editing"]))}
        </p>
      ))}
      {fields.map((field) => (
        <label key={field.name}>
          {field.label}
          <input
            name={field.name}
            value={String(edits[field.name] ?? record.data?.[field.name] ?? "")}
            className={record.remoteChange?.fields.includes(field.name) ? "changed" : undefined}
            onFocus={() => presence.join({ editing: field.name })}
            onBlur={() => presence.join({})}
            onChange={(event) => {
              record.edit();
              setEdits({ ...edits, [field.name]: event.target.value });
            }}
          />
        </label>
      ))}
      {clashes.length > 0 && (
        <p role="alert" className="warning" data-testid="clash">
          {record.remoteChange?.actor ?? "Someone"} changed {clashes.map(label).join(", ")} while you were editing it.
        </p>
      )}
      {conflict && (
        <div role="alert" className="conflict" data-testid="conflict">
          <strong>Edit conflict.</strong> {conflict.changedFields.map(label).join(", ") || "This record"} changed since
          you began editing.
          <button type="button" onClick={() => void save(conflict.currentVersion)}>
            Keep mine
          </button>
          <button
            type="button"
            onClick={() => {
              setEdits({});
              record.discard();
              void record.reload();
            }}
          >
            Take theirs
          </button>
        </div>
      )}
      <p className="form-footer">
        <button type="submit" disabled={record.saving || Object.keys(edits).length === 0}>
          {record.saving ? "Saving…" : "Save"}
        </button>{" "}
        <span data-testid="version">version {record.version ?? "–"}</span>
        {saved && saved.ignoredFields.length > 0 && <span> · kept as stored: {saved.ignoredFields.join(", ")}</span>}
        {saved && !conflict && <span data-testid="saved"> · saved ({saved.status})</span>}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
