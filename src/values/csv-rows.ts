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
  /** The first '\r' outside quotes, if it comes before any '\n' and is not followed by one (lines ending in a lone CR). */
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
      const lone = i + 1 < bytes.length && bytes[i + 1] !== NEWLINE;
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
