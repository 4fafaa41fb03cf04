// The anchor scan written by hand in JavaScript (the same algorithm as csvcore.h): the baseline engines are timed against.
import type { Chunks } from './anchor-data.js';

/** JsScanTotals are the scan's results over all chunks. */
export interface JsScanTotals {
  /** Sum over chunks of the program's u32 return value (CSV_FOLD of the chunk's sum and count). */
  readonly foldSum: bigint;
  /** Rows with INT < 50000. */
  readonly rows: number;
  /** Sum of DEC x 100 over those rows. */
  readonly sum: number;
}

/**
 * jsScan runs csv_scan_buf's loop per chunk with plain numbers: digits accumulate, a comma
 * shifts the field register, a newline keeps the row when its first field is below 50000.
 * `onChunk`, if given, is told each chunk's return value (the u32 fold), in order.
 */
export function jsScan(chunks: Chunks, onChunk?: (value: number) => void): JsScanTotals {
  const { data, offsets } = chunks;
  let foldSum = 0;
  let rows = 0;
  let total = 0;
  for (let k = 0; k + 1 < offsets.length; k++) {
    const end = offsets[k + 1] as number;
    let val = 0;
    let f0 = 0;
    let f1 = 0;
    let sum = 0;
    let count = 0;
    for (let i = offsets[k] as number; i < end; i++) {
      const c = data[i] as number;
      if (c >= 48 && c <= 57) {
        val = val * 10 + (c - 48);
      } else if (c === 44) {
        f0 = f1;
        f1 = val;
        val = 0;
      } else if (c === 10) {
        if (f0 < 50000) {
          sum += f1;
          count++;
        }
        val = 0;
      }
    }
    const value = ((sum ^ Math.floor(sum / 4294967296)) ^ Math.imul(count, 0x9e3779b1)) >>> 0;
    foldSum += value;
    onChunk?.(value);
    rows += count;
    total += sum;
  }
  return { foldSum: BigInt(foldSum), rows, sum: total };
}
