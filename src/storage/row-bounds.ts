// Where rows start in a CSV or .tbl file, for splitting a file across cluster nodes: a cheap newline rule and an exact quote-aware one.
import type { FileHandle } from 'node:fs/promises';

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const QUOTE = 0x22;
const SCAN_BYTES = 1 << 20;

/**
 * RowFormat is what decides where a row ends: the field delimiter, whether double quotes can hold
 * line breaks (CSV) and whether the first row is a header.
 */
export interface RowFormat {
  readonly delimiter: number;
  readonly quotes: boolean;
  readonly header: boolean;
}

/**
 * candidateRowStart returns the first offset >= `target` that follows a line break (or 0 for
 * target 0; the file's size if there is none): where a row starts when no quoted field holds a line
 * break. Every true row start is such a candidate; a candidate is a true row start unless the line
 * break before it lies inside quotes.
 */
export async function candidateRowStart(handle: FileHandle, size: number, target: number): Promise<number> {
  if (target <= 0) return 0;
  const buffer = Buffer.allocUnsafe(Math.min(SCAN_BYTES, Math.max(1, size)));
  for (let at = target - 1; at < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - at), at);
    if (bytesRead === 0) break;
    const newline = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
    if (newline >= 0) return at + newline + 1;
    at += bytesRead;
  }
  return size;
}

/**
 * exactRowStart returns the first row start >= `target`, reading rows from `from`, which must be a
 * row start (0, or where an earlier call said a row starts). It follows the query program's own
 * row rules (src/codegen/scanner.ts), which a test ties to it: outside quotes a line break ends
 * the row; a double quote opens quotes only at a field's first byte (in the header row only at the
 * row's first byte, since the header's fields are not tracked); inside quotes `""` is a quote and
 * a lone quote closes them; a carriage return at a field's first byte moves the field's start past it
 * (and the row's, at the row's first byte).
 */
export async function exactRowStart(handle: FileHandle, size: number, from: number, target: number, format: RowFormat): Promise<number> {
  if (target <= from) return from;
  const buffer = Buffer.allocUnsafe(Math.min(SCAN_BYTES, Math.max(1, size - from)));
  let header = format.header && from === 0;
  let quote = 0; // 0 outside quotes, 1 inside, 2 just after a quote inside quotes
  let lineStart = from;
  let fieldStart = from;
  for (let at = from; at < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - at), at);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) {
      const byte = buffer[i] as number;
      const offset = at + i;
      if (quote === 1) {
        if (byte === QUOTE) quote = 2;
        continue;
      }
      if (quote === 2) {
        if (byte === QUOTE) {
          quote = 1;
          continue;
        }
        quote = 0;
      }
      if (byte === NEWLINE) {
        if (offset + 1 >= target) return offset + 1;
        header = false;
        lineStart = offset + 1;
        fieldStart = offset + 1;
      } else if (byte === format.delimiter) {
        if (!header) fieldStart = offset + 1;
      } else if (byte === QUOTE && format.quotes && offset === fieldStart) {
        quote = 1;
      } else if (byte === RETURN && offset === fieldStart) {
        if (offset === lineStart) lineStart = offset + 1;
        fieldStart = offset + 1;
      }
    }
    at += bytesRead;
  }
  return size;
}

/** countLineBreaks counts the line breaks in bytes [0, end) of the file (for line numbers in a cluster node's errors). */
export async function countLineBreaks(handle: FileHandle, end: number): Promise<number> {
  const buffer = Buffer.allocUnsafe(SCAN_BYTES);
  let count = 0;
  for (let at = 0; at < end; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - at), at);
    if (bytesRead === 0) break;
    const bytes = buffer.subarray(0, bytesRead);
    for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) count++;
    at += bytesRead;
  }
  return count;
}
