// Cuts a byte stream into runs of whole rows (respecting quoted line breaks) and enforces MAX_LINE_BYTES.
import { MAX_LINE_BYTES } from '../sql/plan.js';
import { CsvState, NEWLINE, QUOTE, RETURN, nextCsvState } from '../values/csv-rows.js';

/**
 * RowRun is a run of whole rows: its bytes and the 1-based line number of its first byte; or, with
 * `overlong`, the report that line `overlong` (after the rows before it) is longer than MAX_LINE_BYTES
 * and its row was dropped up to that line's end.
 */
export type RowRun = { readonly bytes: Buffer; readonly firstLine: number } | { readonly overlong: number };


/**
 * RowSplitter accepts chunks of a file and hands out runs of complete rows: it cuts only at a line
 * break outside double quotes (when `quotes` is set), carries the rest to the next chunk, and reports
 * any line longer than MAX_LINE_BYTES in order among the runs. A row with such a line is dropped up
 * to the line's end.
 */
export class RowSplitter {
  private carry: Buffer = Buffer.alloc(0);
  /** Bytes of `carry` already scanned. */
  private scanned = 0;
  /** Line number of carry[0]. */
  private line = 1;
  /** Line breaks in carry[0..scanned). */
  private newlines = 0;
  /** Where the last scanned byte left the quote rule (only tracked with `quotes`). */
  private state: CsvState = CsvState.fieldStart;
  private lineStart = 0;
  private discarding = false;

  /** `delimiter` is the field separator's byte (',' by default); quotes follow nextCsvState, the program's rule. */
  constructor(
    private readonly quotes: boolean,
    private readonly delimiter = 0x2c,
  ) {}

  /** push adds a chunk and returns the runs of whole rows it completes (in order). */
  push(chunk: Uint8Array): RowRun[] {
    let buffer = this.carry.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.carry, chunk]);
    if (!this.quotes && !this.discarding) {
      const fast = this.pushUnquoted(buffer);
      if (fast !== undefined) return fast;
    }
    const runs: RowRun[] = [];
    let split = 0;
    let newlinesAtSplit = 0;
    for (let i = this.scanned; i < buffer.length; i++) {
      const byte = buffer[i];
      if (byte === NEWLINE) {
        this.newlines++;
        this.lineStart = i + 1;
        if (this.discarding) {
          this.discarding = false;
          this.state = CsvState.fieldStart;
          buffer = buffer.subarray(i + 1);
          this.line += this.newlines;
          this.newlines = 0;
          this.lineStart = 0;
          split = 0;
          newlinesAtSplit = 0;
          i = -1;
          continue;
        }
        if (this.state !== CsvState.quoted) {
          split = i + 1;
          newlinesAtSplit = this.newlines;
          this.state = CsvState.fieldStart;
        }
      } else if (this.discarding) {
        continue;
      } else if (this.quotes) {
        // nextCsvState, with its two commonest cases inlined (this runs for every byte of a CSV file):
        // a '"' opens quotes only at a field's first byte; '\r' outside quotes is not data.
        const state = this.state;
        if (state === CsvState.unquoted) {
          if (byte === this.delimiter) this.state = CsvState.fieldStart;
        } else if (state === CsvState.quoted) {
          if (byte === QUOTE) this.state = CsvState.quoteInQuotes;
        } else if (byte !== RETURN) {
          this.state = nextCsvState(state, byte as number, this.delimiter, true);
        }
      }
      if (i - this.lineStart >= MAX_LINE_BYTES) {
        if (split > 0) runs.push({ bytes: buffer.subarray(0, split), firstLine: this.line });
        runs.push({ overlong: this.line + this.newlines });
        this.line += newlinesAtSplit;
        this.newlines -= newlinesAtSplit;
        buffer = buffer.subarray(split);
        i -= split;
        this.lineStart -= split;
        split = 0;
        newlinesAtSplit = 0;
        this.discarding = true;
      }
    }
    if (split > 0 && !this.discarding) {
      runs.push({ bytes: buffer.subarray(0, split), firstLine: this.line });
      this.line += newlinesAtSplit;
      this.newlines -= newlinesAtSplit;
      this.lineStart -= split;
      buffer = buffer.subarray(split);
    }
    this.carry = this.discarding ? Buffer.alloc(0) : Buffer.from(buffer);
    this.scanned = this.carry.length;
    if (this.discarding) this.lineStart = 0;
    return runs;
  }

  /**
   * pushUnquoted is push's fast path without quotes: line breaks found with indexOf instead of a byte
   * loop. It returns undefined, changing nothing, if some line is too long (the byte loop handles that).
   */
  private pushUnquoted(buffer: Buffer): RowRun[] | undefined {
    let lineStart = this.lineStart;
    let newlines = this.newlines;
    let split = 0;
    for (let next = buffer.indexOf(NEWLINE, this.scanned); next >= 0; next = buffer.indexOf(NEWLINE, next + 1)) {
      if (next - lineStart > MAX_LINE_BYTES) return undefined;
      newlines++;
      lineStart = next + 1;
      split = next + 1;
    }
    if (buffer.length - lineStart > MAX_LINE_BYTES) return undefined;
    const runs: RowRun[] = split > 0 ? [{ bytes: buffer.subarray(0, split), firstLine: this.line }] : [];
    this.line += newlines;
    this.newlines = 0;
    this.lineStart = lineStart - split;
    this.carry = Buffer.from(buffer.subarray(split));
    this.scanned = this.carry.length;
    return runs;
  }

  /** finish returns the last rows (the file may end without a line break), or nothing. */
  finish(): { bytes: Buffer; firstLine: number } | undefined {
    if (this.discarding || this.carry.length === 0) return undefined;
    const run = { bytes: this.carry, firstLine: this.line };
    this.carry = Buffer.alloc(0);
    return run;
  }
}
