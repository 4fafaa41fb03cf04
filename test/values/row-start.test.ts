// RowStartFinder (quote to quote, fed in pieces) agrees with a byte-by-byte walk of nextCsvState on random CSV bytes.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CsvState, NEWLINE, QUOTE, RETURN, RowStartFinder, nextCsvState, type RowRule } from '../../src/values/csv-rows.js';

const COMMA = 0x2c;
const PIPE = 0x7c;

/** byteByByte is the rule read one byte at a time: the first offset >= target after a '\n' outside quotes (the size if none). */
function byteByByte(bytes: Uint8Array, rule: RowRule, from: number, target: number): number {
  if (target <= from) return from;
  let state: CsvState = CsvState.fieldStart;
  let header = rule.header && from === 0;
  for (let i = from; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === RETURN && state !== CsvState.quoted) continue;
    const outside = state !== CsvState.quoted;
    state = nextCsvState(state, byte, header ? -1 : rule.delimiter, rule.quotes);
    if (outside && byte === NEWLINE) {
      if (i + 1 >= target) return i + 1;
      header = false;
    }
  }
  return bytes.length;
}

/** inPieces feeds bytes [from, size) to a finder in pieces cut at `cuts`, each piece in a block of its own placed at random. */
function inPieces(bytes: Uint8Array, rule: RowRule, from: number, target: number, cuts: number[], pad: number): number {
  const finder = new RowStartFinder(rule, from, target);
  const points = [from, ...cuts.map((cut) => from + (cut % (bytes.length - from + 1))).sort((a, b) => a - b), bytes.length];
  for (let k = 0; k + 1 < points.length && finder.found < 0; k++) {
    const [start, end] = [points[k] as number, points[k + 1] as number];
    const block = new Uint8Array(pad + (end - start) + pad).fill(QUOTE);
    block.set(bytes.subarray(start, end), pad);
    finder.feed(block, pad, pad + end - start, start);
  }
  return finder.found < 0 ? bytes.length : finder.found;
}

const csvBytes = fc.array(fc.constantFrom(0x61, COMMA, PIPE, NEWLINE, RETURN, QUOTE), { maxLength: 60 }).map((list) => Uint8Array.from(list));

describe('RowStartFinder', () => {
  test('agrees with the byte-by-byte rule for any bytes, rule, start, target and pieces', () => {
    fc.assert(
      fc.property(
        csvBytes,
        fc.record({ delimiter: fc.constantFrom(COMMA, PIPE), quotes: fc.boolean(), header: fc.boolean() }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat({ max: 3 }),
        (bytes, rule, fromSeed, targetSeed, cuts, pad) => {
          // A start other than 0 must be a row start: take one the rule itself finds.
          const from = fromSeed % 3 === 0 ? 0 : byteByByte(bytes, rule, 0, fromSeed % (bytes.length + 1));
          const target = targetSeed % (bytes.length + 2);
          expect(inPieces(bytes, rule, from, target, cuts, pad)).toBe(byteByByte(bytes, rule, from, target));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('a CR between a closing quote and a quote keeps the field quoted, as the program reads it', () => {
    const text = new TextEncoder().encode('1,"e"\r"f\ng",3\n4,x\n');
    const finder = new RowStartFinder({ delimiter: COMMA, quotes: true, header: false }, 0, 9);
    expect(finder.feed(text, 0, text.length, 0)).toBe(text.indexOf(NEWLINE, 9) + 1);
  });
});
