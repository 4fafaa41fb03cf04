// Infers column types of a CSV file without a schema from a sample of its rows.
import { parseDateDays } from '../values/calendar.js';
import { fractionDigits, parseDecimalUnits } from '../values/decimal.js';
import { MAX_FIELD_DIGITS } from '../sql/plan.js';
import { DATE, INTEGER, type SqlType } from '../values/types.js';

/** INFER_SAMPLE_ROWS is how many data rows type inference reads. */
export const INFER_SAMPLE_ROWS = 1000;

/**
 * inferColumnType picks the narrowest type all sample values fit: integer (at most 18 digits), then
 * decimal(18, s) with s the most fractional digits seen, then date (YYYY-MM-DD), else varchar.
 * Empty values are left out: an unquoted empty field is NULL in a column of any type (the sample does
 * not keep quotes, so a quoted "" in a column inferred numeric is reported as malformed where a query
 * reads it, with its position). A column with no non-empty value is varchar.
 */
export function inferColumnType(sample: readonly string[]): SqlType {
  const values = sample.filter((value) => value !== '');
  if (values.length === 0) return { kind: 'varchar' };
  if (values.every(isInteger)) return INTEGER;
  const scale = Math.max(...values.map(fractionDigits));
  if (scale <= MAX_FIELD_DIGITS && values.every((value) => fitsDecimal(value, scale))) {
    return { kind: 'decimal', precision: MAX_FIELD_DIGITS, scale };
  }
  if (values.every((value) => parseDateDays(value) !== undefined)) return DATE;
  return { kind: 'varchar' };
}

/**
 * inferColumnTypes infers each column's type from sample rows (arrays of field text). Rows with the
 * wrong number of fields are left out: they are malformed, and reported with their line when a
 * query reads them, rather than turning a numeric column into varchar.
 */
export function inferColumnTypes(columnCount: number, rows: readonly (readonly string[])[]): SqlType[] {
  const wellFormed = rows.filter((row) => row.length === columnCount);
  return Array.from({ length: columnCount }, (_, column) => inferColumnType(wellFormed.map((row) => row[column]!)));
}

function isInteger(value: string): boolean {
  return /^[+-]?\d+$/.test(value) && fitsDecimal(value, 0);
}

/** fitsDecimal is true when `value` reads as a data field of scale `scale` (see parseField's rules). */
function fitsDecimal(value: string, scale: number): boolean {
  const integerDigits = /^[+-]?(\d+)/.exec(value)?.[1]?.length;
  return integerDigits !== undefined && integerDigits + scale <= MAX_FIELD_DIGITS && parseDecimalUnits(value, scale) !== undefined;
}
