// Merging the row selections of several scans of one table (cluster nodes, in file order) into the rows one scan returns.
import type { Plan } from '../sql/plan.js';
import { scanStopsAtLimit } from '../sql/row-result.js';
import type { Value } from '../values/types.js';
import { answerFails, type ScanAnswer } from './read-maps.js';

/**
 * mergeRows concatenates the parts' rows in file order. Under a LIMIT without ORDER BY, one scan stops
 * at its LIMIT-th row: so do the parts, and once the rows so far reach the LIMIT, later parts (their rows
 * and their errors) are left out. The first failing part before that decides the error, as in mergeAnswers.
 */
export function mergeRows(plan: Plan, parts: readonly { readonly answer: ScanAnswer; readonly rows: readonly Value[][] }[]): { answer: ScanAnswer; rows: Value[][] } {
  const limit = scanStopsAtLimit(plan) ? plan.limit : Infinity;
  const rows: Value[][] = [];
  let rowsScanned = 0n;
  let skipped = 0n;
  let error: ScanAnswer['error'];
  for (const { answer, rows: partRows } of parts) {
    if (answerFails(plan, answer)) return { answer, rows: [] };
    rowsScanned += answer.rows;
    skipped += answer.skipped;
    error ??= answer.error;
    for (const row of partRows) if (rows.length < limit) rows.push(row);
    if (rows.length >= limit) break;
  }
  return { answer: { ...(error ? { error } : {}), rows: rowsScanned, skipped, groups: [] }, rows };
}
