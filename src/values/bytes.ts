// Text values as bytes: one rule for strings in both evaluation paths, and how they are shown.

/**
 * byteString holds bytes as a JavaScript string of one character per byte (latin1), which is how
 * every string Value is kept: both paths compare, group and order text as its bytes, whether or not
 * it is valid UTF-8.
 */
export function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * displayText renders a byte string for people: valid UTF-8 sequences as the characters they
 * encode, every other byte as `\xHH` (two upper-case hex digits).
 */
export function displayText(value: string): string {
  const bytes = Buffer.from(value, 'latin1');
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      text += `\\x${(bytes[i] as number).toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
    } else {
      text += bytes.toString('utf8', i, i + length);
      i += length;
    }
  }
  return text;
}

/** sequenceLength is the length of the valid UTF-8 sequence at `i` (1..4), or 0 if the bytes there are not one. */
function sequenceLength(bytes: Buffer, i: number): number {
  const first = bytes[i] as number;
  if (first < 0x80) return 1;
  const [length, low, high] =
    first >= 0xc2 && first <= 0xdf ? [2, 0x80, 0xbf]
    : first === 0xe0 ? [3, 0xa0, 0xbf]
    : first === 0xed ? [3, 0x80, 0x9f]
    : first >= 0xe1 && first <= 0xef ? [3, 0x80, 0xbf]
    : first === 0xf0 ? [4, 0x90, 0xbf]
    : first >= 0xf1 && first <= 0xf3 ? [4, 0x80, 0xbf]
    : first === 0xf4 ? [4, 0x80, 0x8f]
    : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1] as number;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const next = bytes[i + k] as number;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}
