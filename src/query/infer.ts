// Infers column types of a CSV file without a schema from a sample of its rows.
import { fractionDigits, parseDateDays, parseDecimalUnits } from './decimal.js';
import { DATE, INT64_MAX, INT64_MIN, INTEGER, type SqlType } from './types.js';

/** INFER_SAMPLE_ROWS is how many data rows type inference reads. */
export const INFER_SAMPLE_ROWS = 1000;
/** INFERRED_DECIMAL_PRECISION is the precision given to inferred decimals: the most digits an int64 always holds. */
export const INFERRED_DECIMAL_PRECISION = 18;

/**
 * inferColumnType picks the narrowest type all sample values fit: integer (fits 64 bits), then
 * decimal(18, s) with s the most fractional digits seen, then date (YYYY-MM-DD), else varchar.
 * An empty value or no values at all makes the column varchar.
 */
export function inferColumnType(values: readonly string[]): SqlType {
  if (values.length === 0 || values.some((value) => value === '')) return { kind: 'varchar' };
  if (values.every(isInteger)) return INTEGER;
  const scale = Math.max(...values.map(fractionDigits));
  if (scale <= INFERRED_DECIMAL_PRECISION && values.every((value) => fitsDecimal(value, scale))) {
    return { kind: 'decimal', precision: INFERRED_DECIMAL_PRECISION, scale };
  }
  if (values.every((value) => parseDateDays(value) !== undefined)) return DATE;
  return { kind: 'varchar' };
}

/** inferColumnTypes infers each column's type from sample rows (arrays of field text). */
export function inferColumnTypes(columnCount: number, rows: readonly (readonly string[])[]): SqlType[] {
  return Array.from({ length: columnCount }, (_, column) => inferColumnType(rows.map((row) => row[column] ?? '')));
}

function isInteger(value: string): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false;
  const number = BigInt(value);
  return number >= INT64_MIN && number <= INT64_MAX;
}

function fitsDecimal(value: string, scale: number): boolean {
  const units = parseDecimalUnits(value, scale);
  return units !== undefined && units >= INT64_MIN && units <= INT64_MAX;
}
