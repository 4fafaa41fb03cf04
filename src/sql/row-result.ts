// The result of a plain row selection, shared by both evaluation paths: rows in file order, sorted, cut, projected.
import type { Plan, RowSelection } from './plan.js';
import { sortOrder, type ResultTable } from './result.js';
import type { Value } from '../values/types.js';

/**
 * finalizeRows turns the values of the kept rows (in file order, each `plan.rows.values` long) into the
 * result: sorted by ORDER BY with ties in file order (a stable sort), cut to LIMIT, and projected to the
 * outputs (hidden ORDER BY values dropped).
 */
export function finalizeRows(plan: Plan, rows: readonly (readonly Value[])[], skippedRows: number): ResultTable {
  const selection = plan.rows as RowSelection;
  const order = selection.order;
  const sorted = order.length === 0 ? rows : [...rows].sort((a, b) => {
    for (const key of order) {
      const compared = sortOrder(a[key.value] ?? null, b[key.value] ?? null, key.desc);
      if (compared !== 0) return compared;
    }
    return 0;
  });
  const limited = plan.limit === undefined ? sorted : sorted.slice(0, plan.limit);
  const width = plan.outputs.length;
  return {
    columns: plan.outputs.map((output) => ({ name: output.name, type: output.type })),
    rows: limited.map((row) => (row.length === width ? row : row.slice(0, width))),
    skippedRows,
    notes: [],
  };
}

/** scanStopsAtLimit says whether a row selection stops its scan after its LIMIT's last row: only without ORDER BY (and LIMIT 0 scans all). */
export function scanStopsAtLimit(plan: Plan): plan is Plan & { limit: number } {
  return plan.rows !== undefined && plan.rows.order.length === 0 && plan.limit !== undefined && plan.limit > 0;
}
