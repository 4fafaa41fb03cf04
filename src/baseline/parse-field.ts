// Reads one field's text as an exact value of its column type, and finds where fields start in a row.
import { parseDateDays } from '../values/calendar.js';
import { parseDecimalUnits } from '../values/decimal.js';
import { MAX_FIELD_DIGITS } from '../sql/plan.js';
import { scaleOf, typeName, type SqlType, type Value } from '../values/types.js';
import { displayText } from '../values/bytes.js';
import { CsvState, NEWLINE, RETURN, nextCsvState } from '../values/csv-rows.js';

/**
 * parseField converts field text to a Value of `type`, or returns an error sentence.
 * Numbers: optional sign, at least one digit, optional '.' and at most the column's scale of
 * fractional digits (fewer are padded), no spaces, at most MAX_FIELD_DIGITS digits once scaled.
 * Dates: a real YYYY-MM-DD. Strings: as they are, at most their declared length in bytes (char(n), varchar(n)).
 */
export function parseField(text: string, type: SqlType): Value | { error: string } {
  switch (type.kind) {
    case 'integer':
    case 'decimal':
      return decodeNumber(text, scaleOf(type), type);
    case 'date': {
      const days = parseDateDays(text);
      return days === undefined ? { error: `'${shorten(text)}' is not a valid date (YYYY-MM-DD)` } : BigInt(days);
    }
    case 'char':
    case 'varchar':
      // One char per byte (values/bytes.ts): the length is the byte count.
      return type.length !== undefined && text.length > type.length ? { error: `'${shorten(text)}' is longer than ${typeName(type)} allows` } : text;
  }
}

const SAFE_DIGITS = 15;
const POWERS = Array.from({ length: SAFE_DIGITS + 1 }, (_, i) => 10 ** i);

/**
 * decodeNumber reads numeric field text in one pass over its characters. Values of at most 15 scaled
 * digits are built as exact doubles (below 2^53) and converted once; longer ones go through BigInt
 * text. Hand-inlined because it runs for every used numeric field of every row.
 */
function decodeNumber(text: string, scale: number, type: SqlType): bigint | { error: string } {
  let i = text.charCodeAt(0) === 0x2d || text.charCodeAt(0) === 0x2b ? 1 : 0;
  let integerDigits = 0;
  let fractionDigits = -1;
  let value = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      value = value * 10 + (code - 0x30);
      if (fractionDigits < 0) integerDigits++;
      else fractionDigits++;
    } else if (code === 0x2e && fractionDigits < 0 && integerDigits > 0) {
      fractionDigits = 0;
    } else {
      return { error: `'${shorten(text)}' is not a valid ${typeName(type)}` };
    }
  }
  const fraction = Math.max(fractionDigits, 0);
  if (integerDigits === 0 || fraction > scale) return { error: `'${shorten(text)}' is not a valid ${typeName(type)}` };
  if (integerDigits + scale > MAX_FIELD_DIGITS) return { error: `'${shorten(text)}' has more than ${MAX_FIELD_DIGITS} digits` };
  const negative = text.charCodeAt(0) === 0x2d;
  if (integerDigits + scale <= SAFE_DIGITS) {
    const units = BigInt(value * (POWERS[scale - fraction] as number));
    return negative ? -units : units;
  }
  return parseDecimalUnits(text, scale) as bigint;
}

/**
 * fieldColumns returns the 1-based column where each field of one row's text starts, and the column
 * just past the row's end, by the quote rule the program and the row splitter share (nextCsvState: a
 * '"' opens quotes only at a field's first byte; elsewhere it is content; a '\r' outside quotes is not
 * data). Columns count characters of `rowText`; the baseline passes the row decoded as latin1, so they
 * are byte columns, as in the pushdown path.
 */
export function fieldColumns(rowText: string, delimiter: string, quotes: boolean): { starts: number[]; end: number } {
  const starts = [1];
  const delimiterByte = delimiter.charCodeAt(0);
  let state: CsvState = CsvState.fieldStart;
  let i = 0;
  for (; i < rowText.length; i++) {
    const byte = rowText.charCodeAt(i);
    if (state !== CsvState.quoted && (byte === NEWLINE || (byte === RETURN && rowText.charCodeAt(i + 1) === NEWLINE))) break;
    if (state !== CsvState.quoted && byte === RETURN) continue;
    state = nextCsvState(state, byte, delimiterByte, quotes);
    if (state === CsvState.fieldStart) starts.push(i + 2);
  }
  return { starts, end: i + 1 };
}

function shorten(text: string): string {
  return displayText(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}
