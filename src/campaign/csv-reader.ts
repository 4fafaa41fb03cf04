// The reference's own reader of table files: RFC 4180 records (quotes, CRLF/LF, blank lines) as byte fields with line numbers.

/** FileLayout says how records and fields are delimited. */
export interface FileLayout {
  /** Field delimiter byte (',' or '|'). */
  readonly delimiter: number;
  /** Double quotes open quoted fields (CSV) or are plain bytes (.tbl). */
  readonly quotes: boolean;
  /** Every field, the last included, is followed by the delimiter (.tbl); a row without it is short a field. */
  readonly trailingDelimiter: boolean;
  /** A UTF-8 byte order mark at the start of the file is dropped (CSV); otherwise it is data (.tbl). */
  readonly dropBom: boolean;
}

/** RawRecord is one record: its fields' bytes, the 1-based line it starts on, and the byte column of each field. */
export interface RawRecord {
  readonly fields: Uint8Array[];
  /** Whether each field was written in double quotes (an empty field in quotes is not NULL). */
  readonly quoted: boolean[];
  readonly line: number;
  /** 1-based byte column (from the record's first byte) where each field starts. */
  readonly starts: number[];
  /** 1-based byte column of the record's line end. */
  readonly end: number;
  /** The record ends inside a quoted field at the end of the file. */
  readonly unterminated: boolean;
  /** Some quoted field is followed by bytes other than a delimiter or line end (not RFC 4180). */
  readonly textAfterQuote: boolean;
  /** Some unquoted field holds a double quote (not RFC 4180; read as an ordinary byte). */
  readonly quoteInField: boolean;
  /** With a trailing delimiter layout: the row does not end with the delimiter (its last field is not closed). */
  readonly missingDelimiter: boolean;
  /** The line end that ends the record: LF, CR LF, a lone CR, or none (end of file). */
  readonly ending: 'lf' | 'crlf' | 'cr' | 'none';
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * CrRule says what a CR outside quoted fields is: a line end when no LF follows it ('break'), or not
 * data at all, wherever it appears ('drop': CR LF then ends a line like LF, and a stray CR vanishes).
 */
export type CrRule = 'break' | 'drop';

/**
 * readRecords splits a file into records. Line ends are LF or CR LF; a CR without LF follows `crRule`.
 * A line with no bytes (CRs aside under 'drop') is blank and yields no record. The kinds of line end met outside quotes, blank lines included,
 * are added to `endings`.
 */
export function readRecords(bytes: Uint8Array, layout: FileLayout, crRule: CrRule, endings = new Set<RawRecord['ending']>()): RawRecord[] {
  const loneCrBreaks = crRule === 'break';
  /** skipCr steps over CRs that are not data (under 'drop', outside quotes) and are not part of a CR LF. */
  const skipCr = (i: number): number => {
    let j = i;
    while (!loneCrBreaks && bytes[j] === CR && bytes[j + 1] !== LF) j++;
    return j;
  };
  const records: RawRecord[] = [];
  let at = layout.dropBom && BOM.every((byte, i) => bytes[i] === byte) ? BOM.length : 0;
  let line = 1;
  /** lineEnd returns the length of the line end at `i` (1 or 2), or 0 if there is none. */
  const lineEnd = (i: number): number => {
    if (bytes[i] === LF) return 1;
    if (bytes[i] === CR) {
      if (bytes[i + 1] === LF) return 2;
      return loneCrBreaks ? 1 : 0;
    }
    return 0;
  };
  while (at < bytes.length) {
    at = skipCr(at);
    if (at >= bytes.length) break;
    const blank = lineEnd(at);
    if (blank > 0) {
      endings.add(blank === 2 ? 'crlf' : bytes[at] === LF ? 'lf' : 'cr');
      at += blank;
      line++;
      continue;
    }
    const recordStart = at;
    const recordLine = line;
    const fields: Uint8Array[] = [];
    const quoted: boolean[] = [];
    const starts: number[] = [];
    let unterminated = false;
    let textAfterQuote = false;
    let quoteInField = false;
    let ending: RawRecord['ending'] = 'none';
    let end = 0;
    for (;;) {
      at = skipCr(at);
      starts.push(at - recordStart + 1);
      const field: number[] = [];
      quoted.push(layout.quotes && bytes[at] === QUOTE);
      if (layout.quotes && bytes[at] === QUOTE) {
        at++;
        for (;;) {
          if (at >= bytes.length) {
            unterminated = true;
            break;
          }
          const byte = bytes[at] as number;
          if (byte === QUOTE) {
            if (bytes[at + 1] === QUOTE) {
              field.push(QUOTE);
              at += 2;
              continue;
            }
            at++;
            break;
          }
          if (byte === LF) line++;
          field.push(byte);
          at++;
        }
        at = skipCr(at);
        if (!unterminated && at < bytes.length && bytes[at] !== layout.delimiter && lineEnd(at) === 0) textAfterQuote = true;
      }
      while (!unterminated && (at = skipCr(at)) < bytes.length && bytes[at] !== layout.delimiter && lineEnd(at) === 0) {
        if (layout.quotes && bytes[at] === QUOTE) quoteInField = true;
        field.push(bytes[at] as number);
        at++;
      }
      fields.push(Uint8Array.from(field));
      if (!unterminated && at < bytes.length && bytes[at] === layout.delimiter) {
        at++;
        continue;
      }
      end = at - recordStart + 1;
      const length = unterminated ? 0 : lineEnd(at);
      if (length > 0) {
        ending = length === 2 ? 'crlf' : bytes[at] === LF ? 'lf' : 'cr';
        at += length;
        line++;
      }
      break;
    }
    let missingDelimiter = false;
    if (layout.trailingDelimiter) {
      // Only fields followed by the delimiter count: after the last one there must be nothing.
      missingDelimiter = fields.length === 1 || (fields[fields.length - 1] as Uint8Array).length > 0;
      fields.pop();
      quoted.pop();
      starts.pop();
    }
    endings.add(ending);
    records.push({ fields, quoted, line: recordLine, starts, end, unterminated, textAfterQuote, quoteInField, ending, missingDelimiter });
  }
  return records;
}
