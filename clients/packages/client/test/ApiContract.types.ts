// The client's request and response types checked against the services' OpenAPI documents (src/generated, made from
// clients/openapi by `npm run generate`). Checked by `tsc` (npm run typecheck): a server answer that no longer fits
// the client's type, or a request the server would not take, fails the build.
import type { components as Ingest } from "../src/generated/ingest.js";
import type { components as Records } from "../src/generated/records.js";
import type { components as Sync } from "../src/generated/sync.js";
import type { BatchResult, ChangesPage, HistoryPage, StoredRecord, WriteResult } from "../src/records/RecordsApi.js";
import type { IngestedPage } from "../src/records/IngestApi.js";
import type { ConflictError } from "../src/records/ProblemError.js";
import type { ChangeMessage } from "../src/protocol.js";

type Fits<Server, Client> = [Server] extends [Client] ? true : false;
type Mutable<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer U)[]
    ? Mutable<U>[]
    : T[K] extends object
      ? Mutable<T[K]>
      : T[K];
};

/** Every entry must be `true`; a `false` names the type that drifted. */
export const answersFit: {
  record: Fits<Records["schemas"]["RecordView"], StoredRecord>;
  written: Fits<Records["schemas"]["WrittenRecord"], WriteResult>;
  changes: Fits<Records["schemas"]["RecordPage"], ChangesPage>;
  history: Fits<Records["schemas"]["RecordHistoryView"], HistoryPage>;
  batch: Fits<Records["schemas"]["BatchResult"], BatchResult>;
  conflict: Fits<Records["schemas"]["EditConflictProblem"]["changedFields"], ConflictError["changedFields"]>;
  ingested: Fits<Ingest["schemas"]["IngestedRecordsPage"], IngestedPage>;
  polled: Fits<Omit<Sync["schemas"]["PolledMessage"], "eventId" | "origin" | "actor">, ChangeMessage>;
} = {
  record: true,
  written: true,
  changes: true,
  history: true,
  batch: true,
  conflict: true,
  ingested: true,
  polled: true,
};

/** What the client sends, as the server's request schemas take it. */
export const requestsFit: {
  batch: Fits<
    Mutable<{
      operations: {
        method: "PUT";
        collection: string;
        id: string;
        body: Record<string, unknown>;
        ifMatch?: string;
        preserveFields?: string[];
      }[];
    }>,
    Records["schemas"]["BatchRequest"]
  >;
  send: Fits<
    { type: string; payload: Record<string, unknown>; to?: string; correlationId?: string },
    Sync["schemas"]["SendRequest"]
  >;
} = { batch: true, send: true };
