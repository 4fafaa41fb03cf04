// SQL SUBSTRING over byte strings, counting characters as LIKE's '_' takes them (values/like.ts characterEnd).
import { characterEnd } from './like.js';

/** skipCharacters is the byte offset after the first `count` characters of `value` (its length if it has fewer). */
function skipCharacters(value: Uint8Array, count: number): number {
  let at = 0;
  for (let i = 0; i < count && at < value.length; i++) at = characterEnd(value, at);
  return at;
}

/**
 * substringRange is SUBSTRING(value FROM start [FOR count]) as a byte range: characters numbered from 1,
 * those numbered start to start + count - 1 (all from start without FOR); a start at or below 0 counts the
 * positions before the first character too (SQL's rule: FROM 0 FOR 3 is the first two characters).
 */
export function substringRange(value: Uint8Array, start: number, count: number | undefined): [number, number] {
  const [skip, end] = substringCharacters(start, count);
  const from = skipCharacters(value, skip);
  return [from, end === undefined ? value.length : Math.max(from, skipCharacters(value, end))];
}

/** substringCharacters is how many characters SUBSTRING skips and where it stops (in characters, none: to the end). */
export function substringCharacters(start: number, count: number | undefined): [number, number | undefined] {
  const skip = Math.max(start, 1) - 1;
  return [skip, count === undefined ? undefined : Math.max(skip, start + count - 1)];
}
