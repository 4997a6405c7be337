import type { LiveRow } from "./useLiveRows.js";

export interface Column {
  readonly field: string;
  readonly label: string;
  readonly format?: (value: unknown) => string;
}

/** A table whose changed rows and fields are highlighted for a moment (seed 002's list). */
export function LiveTable({
  rows,
  columns,
  testId,
  selected,
  onSelect,
}: {
  readonly rows: readonly LiveRow[];
  readonly columns: readonly Column[];
  readonly testId: string;
  readonly selected?: string | undefined;
  readonly onSelect?: (id: string) => void;
}) {
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.field}>{column.label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            // A new key per version restarts the highlight's animation.
            key={`${row.id}@${row.version}`}
            data-id={row.id}
            className={
              [row.changedAt ? "flash" : "", row.id === selected ? "selected" : ""].join(" ").trim() || undefined
            }
            onClick={onSelect ? () => onSelect(row.id) : undefined}
          >
            {columns.map((column) => (
              <td
                key={column.field}
                data-field={column.field}
                className={row.changed.includes(column.field) ? "changed" : undefined}
              >
                {column.format ? column.format(row.data[column.field]) : String(row.data[column.field] ?? "")}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
