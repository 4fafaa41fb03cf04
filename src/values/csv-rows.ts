// How CSV bytes split into fields and rows, the one quote rule the program, the baseline and the sniffer share.

export const NEWLINE = 10;
export const RETURN = 13;
export const QUOTE = 34;

/** CsvState is where a byte falls: at a field's first byte, in an unquoted field, inside quotes, or just after a quote inside quotes. */
export const CsvState = { fieldStart: 0, unquoted: 1, quoted: 2, quoteInQuotes: 3 } as const;
export type CsvState = (typeof CsvState)[keyof typeof CsvState];

/**
 * nextCsvState is the state after `byte` (not a '\r' outside quotes, which is not data). A '"' opens a
 * quoted field only as the field's first byte (elsewhere it is content); inside quotes '""' is a quote
 * and a '"' followed by anything else ends the quoting; a delimiter or '\n' outside quotes starts a field.
 */
export function nextCsvState(state: CsvState, byte: number, delimiter: number, quotes: boolean): CsvState {
  if (state === CsvState.quoted) return byte === QUOTE ? CsvState.quoteInQuotes : CsvState.quoted;
  if (state === CsvState.quoteInQuotes && byte === QUOTE) return CsvState.quoted;
  if (byte === delimiter || byte === NEWLINE) return CsvState.fieldStart;
  return state === CsvState.fieldStart && quotes && byte === QUOTE ? CsvState.quoted : CsvState.unquoted;
}

/**
 * withoutCarriageReturns drops every '\r' that is not inside a quoted field (outside quotes a CR is not
 * data), so that CRLF and LF line ends, and a stray '\r' inside a line, read the same in the program, the
 * baseline and the sniffer (quotes as nextCsvState says). Returns `bytes` itself when there is no '\r' to drop.
 */
export function withoutCarriageReturns(bytes: Buffer, delimiter: number, quotes: boolean): Buffer {
  if (bytes.indexOf(RETURN) < 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  let state: CsvState = CsvState.fieldStart;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === RETURN && state !== CsvState.quoted) continue;
    state = nextCsvState(state, byte, delimiter, quotes);
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** BytePosition is a 0-based offset with its 1-based line and column (columns count bytes from the row's start). */
export interface BytePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** CsvShape is what one pass over the start of a CSV file finds. */
export interface CsvShape {
  /** Offset just past the last '\n' outside quotes (0 if none). */
  readonly rowsEnd: number;
  /**
   * The first '\r' outside quotes, if it comes before any '\n' and the run of '\r' it starts is followed
   * by something else than '\n' (lines ending in a lone CR; `\r\r\n` ends a line with LF, as every '\r'
   * outside quotes is dropped).
   */
  readonly loneReturn?: BytePosition;
  /** The quote that opened the field still open at the end of `bytes`. */
  readonly openQuote?: BytePosition;
  /** 1-based byte columns where the first row's fields start. */
  readonly headerStarts: readonly number[];
}

/** csvShape scans `bytes` from the start of a file once (see CsvShape). */
export function csvShape(bytes: Uint8Array, delimiter: number): CsvShape {
  let state: CsvState = CsvState.fieldStart;
  let line = 1;
  let rowStart = 0;
  let rowLine = 1;
  let rowsEnd = 0;
  let sawBreak = false;
  let loneReturn: BytePosition | undefined;
  let openQuote: BytePosition | undefined;
  const headerStarts = [1];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === NEWLINE) line++;
    if (state !== CsvState.quoted && byte === RETURN) {
      let end = i + 1;
      while (bytes[end] === RETURN) end++;
      const lone = end < bytes.length && bytes[end] !== NEWLINE;
      if (!sawBreak && lone) loneReturn = { offset: i, line: rowLine, column: i - rowStart + 1 };
      sawBreak = true;
      continue;
    }
    const next = nextCsvState(state, byte, delimiter, true);
    if (next === CsvState.quoted && state === CsvState.fieldStart) openQuote = { offset: i, line: rowLine, column: i - rowStart + 1 };
    if (byte === NEWLINE && state !== CsvState.quoted) {
      sawBreak = true;
      rowsEnd = i + 1;
      rowStart = i + 1;
      rowLine = line;
    } else if (byte === delimiter && state !== CsvState.quoted && rowsEnd === 0) {
      headerStarts.push(i - rowStart + 2);
    }
    state = next;
  }
  return {
    rowsEnd,
    headerStarts,
    ...(loneReturn !== undefined && { loneReturn }),
    ...(state === CsvState.quoted && openQuote !== undefined && { openQuote }),
  };
}

/** RowRule is what decides where a row ends: the field delimiter, whether '"' quotes (CSV) and whether the first row is a header. */
export interface RowRule {
  readonly delimiter: number;
  readonly quotes: boolean;
  readonly header: boolean;
}

/**
 * RowStartFinder finds the first row start at or after `target` in bytes fed to it in file order from
 * `from`, a row start (0, or a row start found before), by the rule above: a '\n' outside quotes ends a
 * row; a '\r' outside quotes is not data (also just after a quote inside quotes); a '"' opens quotes
 * only at a field's first byte. In a header row (the first row of a file with one) a delimiter does
 * not start a field, as in the query program, which does not track the header's fields, so there a
 * quote opens only at the row's first byte. It jumps from quote to quote: bytes between quotes
 * outside quotes matter only through the last one before the next quote and the line breaks.
 */
export class RowStartFinder {
  /** The row start found (a file offset), or -1 while none is. */
  found = -1;
  private state: CsvState = CsvState.fieldStart;
  private header: boolean;
  private readonly quotes = new NextByte(QUOTE);
  private readonly newlines = new NextByte(NEWLINE);

  constructor(
    private readonly rule: RowRule,
    from: number,
    private readonly target: number,
  ) {
    this.header = rule.header && from === 0;
    if (target <= from) this.found = from;
  }

  /** feed reads bytes [from, to) of `bytes`, which lie at file offset `offset` onward, and returns `found`. */
  feed(bytes: Uint8Array, from: number, to: number, offset: number): number {
    const base = offset - from;
    let i = from;
    while (i < to && this.found < 0) {
      if (this.state === CsvState.quoted) {
        const close = this.quotes.find(bytes, base, i, to);
        this.state = close < 0 ? CsvState.quoted : CsvState.quoteInQuotes;
        i = close < 0 ? to : close + 1;
        continue;
      }
      if (this.state === CsvState.quoteInQuotes) {
        const byte = bytes[i] as number;
        if (byte === RETURN || byte === QUOTE) i++;
        // '""' is a quote inside quotes; any other byte is read again, outside quotes.
        this.state = byte === QUOTE ? CsvState.quoted : byte === RETURN ? CsvState.quoteInQuotes : CsvState.unquoted;
        continue;
      }
      i = this.outside(bytes, base, i, to);
    }
    return this.found;
  }

  /** outside reads from `i` outside quotes up to the next quote (or `to`), and returns where to go on. */
  private outside(bytes: Uint8Array, base: number, i: number, to: number): number {
    const quote = this.rule.quotes ? this.quotes.find(bytes, base, i, to) : -1;
    const stop = quote < 0 ? to : quote;
    const want = Math.max(i, this.target - 1 - base);
    const end = want < stop ? this.newlines.find(bytes, base, want, stop) : -1;
    if (end >= 0) {
      this.found = base + end + 1;
      return to;
    }
    const headerBreak = this.header ? this.newlines.find(bytes, base, i, stop) : -1;
    let last = stop - 1;
    while (last >= i && bytes[last] === RETURN) last--;
    if (last >= i) {
      const byte = bytes[last] as number;
      const inHeader = this.header && (headerBreak < 0 || headerBreak > last);
      this.state = byte === NEWLINE || (byte === this.rule.delimiter && !inHeader) ? CsvState.fieldStart : CsvState.unquoted;
    }
    if (headerBreak >= 0) this.header = false;
    if (quote < 0) return to;
    this.state = this.state === CsvState.fieldStart ? CsvState.quoted : CsvState.unquoted;
    return quote + 1;
  }
}

/**
 * NextByte finds the next occurrence of one byte value and remembers it, so that a block fed in many
 * small pieces is searched once (a search runs to the end of the block, not of the piece).
 */
class NextByte {
  private bytes?: Uint8Array;
  private base = 0;
  private searchedFrom = 0;
  private at = -1;

  constructor(private readonly value: number) {}

  /** find returns the index of the first `value` in bytes [from, to), or -1; `base` tells blocks refilled with other file bytes apart. */
  find(bytes: Uint8Array, base: number, from: number, to: number): number {
    if (bytes !== this.bytes || base !== this.base || from < this.searchedFrom || (this.at >= 0 && this.at < from)) {
      this.bytes = bytes;
      this.base = base;
      this.searchedFrom = from;
      // Buffer's indexOf (memchr) is many times faster than Uint8Array's, and takes any Uint8Array.
      this.at = Buffer.prototype.indexOf.call(bytes, this.value, from);
    }
    return this.at >= 0 && this.at < to ? this.at : -1;
  }
}
