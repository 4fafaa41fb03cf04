// SQL column types and the exact values Sluice computes with (bigint units, days, strings; no floats).

/**
 * SqlType is the type of a column, constant or expression.
 * - integer: a signed 64-bit integer (`integer` and `bigint` in schemas both map here).
 * - decimal: fixed point; a value is a bigint count of 10^-scale units, at most `precision` digits.
 * - date: a calendar date, held as days since 1970-01-01.
 * - char / varchar: byte strings; `length` is the declared maximum (undefined for inferred varchar).
 */
export type SqlType =
  | { readonly kind: 'integer' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'char'; readonly length: number }
  | { readonly kind: 'varchar'; readonly length?: number };

/**
 * Value is an exact value of some SqlType: integers and decimals are bigint (decimals in units of
 * 10^-scale, the scale being the type's), dates are bigint days since 1970-01-01, strings are
 * JavaScript strings, and null stands for the SQL NULL an aggregate over no rows yields.
 */
export type Value = bigint | string | null;

/** INTEGER is the 64-bit integer type. */
export const INTEGER: SqlType = { kind: 'integer' };
/** DATE is the date type. */
export const DATE: SqlType = { kind: 'date' };

/** INTEGER_PRECISION is the number of decimal digits an integer may have (2^63 has 19). */
const INTEGER_PRECISION = 19;
/** MAX_DECIMAL_PRECISION caps the precision Sluice gives derived decimal types. */
export const MAX_DECIMAL_PRECISION = 38;
/** INT64_MIN and INT64_MAX bound every number a 64-bit eBPF register or map slot can hold. */
export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;
/** INT128_MIN and INT128_MAX bound SUM and AVG accumulators (two 64-bit words in the pushdown program). */
export const INT128_MIN = -(1n << 127n);
export const INT128_MAX = (1n << 127n) - 1n;

/** decimalType builds decimal(precision, scale), capping precision at MAX_DECIMAL_PRECISION. */
export function decimalType(precision: number, scale: number): SqlType {
  return { kind: 'decimal', precision: Math.min(precision, MAX_DECIMAL_PRECISION), scale };
}

/** isNumeric is true for integer and decimal types. */
export function isNumeric(type: SqlType): boolean {
  return type.kind === 'integer' || type.kind === 'decimal';
}

/** isString is true for char and varchar types. */
export function isString(type: SqlType): boolean {
  return type.kind === 'char' || type.kind === 'varchar';
}

/** scaleOf is the number of fractional digits of a numeric type (0 for integer, dates and strings). */
export function scaleOf(type: SqlType): number {
  return type.kind === 'decimal' ? type.scale : 0;
}

/** precisionOf is the number of digits a numeric type may hold (19 for integer). */
export function precisionOf(type: SqlType): number {
  return type.kind === 'decimal' ? type.precision : INTEGER_PRECISION;
}

/** typeName renders a type as SQL (`decimal(15,2)`, `char(1)`, `varchar`). */
export function typeName(type: SqlType): string {
  switch (type.kind) {
    case 'integer':
      return 'integer';
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'date':
      return 'date';
    case 'char':
      return `char(${type.length})`;
    case 'varchar':
      return type.length === undefined ? 'varchar' : `varchar(${type.length})`;
  }
}
