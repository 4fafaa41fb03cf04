// The pushdown program's rule for '\r' outside quotes (it is not data), applied to rows before csv-parse reads them.

const NEWLINE = 10;
const RETURN = 13;
const QUOTE = 34;

/**
 * withoutCarriageReturns drops every '\r' that is not inside a quoted field, so that CRLF and LF line
 * ends, and a stray '\r' inside a line, read the same in both evaluation paths. Quotes follow the
 * program's rule: a '"' opens a quoted field only as the field's first byte, '""' inside is a quote.
 * Returns `bytes` itself when there is no '\r' to drop.
 */
export function withoutCarriageReturns(bytes: Buffer, delimiter: number, quotes: boolean): Buffer {
  if (bytes.indexOf(RETURN) < 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  // 0 at a field's first byte, 1 inside an unquoted field, 2 inside quotes, 3 just after a quote inside quotes.
  let state = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (state === 2) {
      if (byte === QUOTE) state = 3;
    } else if (byte === RETURN) {
      continue;
    } else if (state === 3 && byte === QUOTE) {
      state = 2;
    } else if (byte === delimiter || byte === NEWLINE) {
      state = 0;
    } else {
      state = state === 0 && quotes && byte === QUOTE ? 2 : 1;
    }
    out[length++] = byte;
  }
  return out.subarray(0, length);
}
