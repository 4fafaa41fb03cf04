// Where rows start in a file on a cluster node: the cheap line-break rule, and reading on with the CSV quote rule (values/csv-rows.ts) until a finder decides.
import type { FileHandle } from 'node:fs/promises';
import { NEWLINE, type RowStartFinder } from '../values/csv-rows.js';

const SCAN_BYTES = 1 << 20;

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
 * finishRowStart feeds the file from `at` (where the finder's bytes so far ended) to `finder` until
 * it finds its row start, and returns it (the file's size if the file ends first).
 */
export async function finishRowStart(handle: FileHandle, size: number, finder: RowStartFinder, at: number): Promise<number> {
  if (finder.found >= 0) return finder.found;
  const buffer = Buffer.allocUnsafe(Math.min(SCAN_BYTES, Math.max(1, size - at)));
  while (at < size) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - at), at);
    if (bytesRead === 0) break;
    if (finder.feed(buffer, 0, bytesRead, at) >= 0) return finder.found;
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
