// Results for piping: CSV (RFC 4180, values' exact bytes) and JSON Lines (one object per row, values as exact text).
import { formatValue, type ResultTable } from './result.js';
import type { Value } from '../values/types.js';

/** PIPE_FORMATS are the --format values that print only the rows. */
export const PIPE_FORMATS = ['csv', 'jsonl'] as const;
export type PipeFormat = (typeof PIPE_FORMATS)[number];

/**
 * formatResultCsv renders a header line of the column names, then one line per row, CRLF-free (LF
 * endings). A field is double-quoted when it holds a comma, a double quote, a CR or a LF, or is
 * empty text (so that it differs from NULL, which is an empty unquoted field); quotes inside are
 * doubled. Strings are their bytes exactly as stored (no `\xHH`), numbers and dates as the table shows them.
 */
export function formatResultCsv(result: ResultTable): Buffer {
  const lines = [result.columns.map((column) => csvField(column.name)).join(',')];
  for (const row of result.rows) lines.push(row.map((value, i) => csvValue(value, result, i)).join(','));
  return Buffer.from(`${lines.join('\n')}\n`, 'latin1');
}

/**
 * formatResultJsonl renders one JSON object per row, keyed by column name, each value a JSON string
 * holding exactly the text the table shows (as --json does; `\xHH` for bytes that are not UTF-8), NULL as null.
 */
export function formatResultJsonl(result: ResultTable): string {
  const names = result.columns.map((column) => JSON.stringify(column.name));
  return result.rows
    .map((row) => `{${row.map((value, i) => `${names[i]}:${value === null ? 'null' : JSON.stringify(formatValue(value, result.columns[i]!.type))}`).join(',')}}\n`)
    .join('');
}

function csvValue(value: Value, result: ResultTable, index: number): string {
  if (value === null) return '';
  // Byte strings are one char per byte; everything else is ASCII text. Both are written as latin1, byte for byte.
  return csvField(typeof value === 'string' ? value : formatValue(value, result.columns[index]!.type), typeof value === 'string');
}

/** csvField quotes a field's text when CSV needs it to read back the same. */
function csvField(text: string, isText = true): string {
  if (/[",\r\n]/.test(text) || (isText && text === '')) return `"${text.replace(/"/g, '""')}"`;
  return text;
}
