// LIKE over byte strings: a pattern's '%'-separated segments, what one character is, and the reference matcher.

/** PERCENT and UNDERSCORE are the bytes of LIKE's two wildcards; in a segment, UNDERSCORE stands for one character. */
const PERCENT = 0x25;
export const UNDERSCORE = 0x5f;

/** MAX_CONTINUATION_BYTES: a character is one byte and at most this many continuation bytes (0x80-0xBF) right after it. */
export const MAX_CONTINUATION_BYTES = 3;

/**
 * likeSegments splits a pattern's bytes at every '%': the first segment is anchored at the string's start,
 * the last at its end (one segment when there is no '%'); within a segment '_' is any one character.
 */
export function likeSegments(pattern: Uint8Array): Uint8Array[] {
  const segments: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= pattern.length; i++) {
    if (i === pattern.length || pattern[i] === PERCENT) {
      segments.push(pattern.subarray(start, i));
      start = i + 1;
    }
  }
  return segments;
}

/** isContinuation is true for a UTF-8 continuation byte (0b10xxxxxx). */
function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/**
 * characterEnd is where the character starting at byte `at` of `value` ends: one byte, then the continuation
 * bytes right after it, at most MAX_CONTINUATION_BYTES (so a valid UTF-8 sequence is one character, as in DuckDB).
 */
export function characterEnd(value: Uint8Array, at: number): number {
  let end = at + 1;
  while (end < value.length && end - at <= MAX_CONTINUATION_BYTES && isContinuation(value[end] as number)) end++;
  return end;
}

/**
 * likeMatches decides `value LIKE pattern` on bytes: a literal byte matches itself, '_' one character
 * (characterEnd), '%' any run of bytes. It tries every split (memoised), independently of the program's
 * leftmost-match search, so tests can hold one against the other.
 */
export function likeMatches(value: Uint8Array, pattern: Uint8Array): boolean {
  const failed = new Set<number>();
  const match = (p: number, v: number): boolean => {
    const key = p * (value.length + 1) + v;
    if (failed.has(key)) return false;
    let ok: boolean;
    if (p === pattern.length) ok = v === value.length;
    else if (pattern[p] === PERCENT) {
      ok = false;
      for (let rest = v; rest <= value.length && !ok; rest++) ok = match(p + 1, rest);
    }
    else if (v === value.length) ok = false;
    else if (pattern[p] === UNDERSCORE) ok = match(p + 1, characterEnd(value, v));
    else ok = pattern[p] === value[v] && match(p + 1, v + 1);
    if (!ok) failed.add(key);
    return ok;
  };
  return match(0, 0);
}
