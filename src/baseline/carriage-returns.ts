// The pushdown program's rule for '\r' outside quotes (it is not data), applied to rows before csv-parse reads them.
import { CsvState, RETURN, nextCsvState } from '../values/csv-rows.js';

/**
 * withoutCarriageReturns drops every '\r' that is not inside a quoted field, so that CRLF and LF line
 * ends, and a stray '\r' inside a line, read the same in both evaluation paths (quotes as nextCsvState
 * says). Returns `bytes` itself when there is no '\r' to drop.
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
