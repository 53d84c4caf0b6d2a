import type { ReactNode } from "react";

/**
 * Every table of the portal: column headers with scope, horizontal scrolling on narrow screens
 * instead of a broken layout, an optional caption for screen readers.
 */
export function DataTable({
  columns,
  rows,
  caption,
  rowTestId,
}: {
  columns: string[];
  rows: ReactNode[][];
  caption?: string;
  rowTestId?: (index: number) => string | undefined;
}) {
  return (
    <div className="table-wrap">
      <table>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are re-rendered whole from the server's data
            <tr key={i} data-testid={rowTestId?.(i)}>
              {cells.map((cell, j) => (
                <td key={columns[j] ?? j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
