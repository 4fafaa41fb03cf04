// Program and result messages: exact round trips, the byte counts that cross the link, and malformed input.
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/asm/instruction.js';
import { StorageError } from '../../src/storage/errors.js';
import { decodeProgramRequest, decodeResult, encodeProgramRequest, encodeResult, withRange } from '../../src/storage/wire.js';
import { filterSumProgram } from './filter-sum-helpers.js';

describe('program request', () => {
  const spec = filterSumProgram();
  const bytes = encodeProgramRequest({ file: 'people.csv', spec });

  it('round-trips the program, its maps and the file name (comments stay home)', () => {
    const back = decodeProgramRequest(bytes);
    expect(back.file).toBe('people.csv');
    expect(encode(back.spec.insns)).toEqual(encode(spec.insns));
    expect(back.spec.maps).toEqual(spec.maps);
    expect(back.spec).toMatchObject({ name: spec.name, section: spec.section, license: spec.license });
  });

  it('costs the bytecode plus a small header per field and map', () => {
    // magic 4; 4 strings (u32 length + bytes); map count 4; per map: name, 6 u32, init blob, contents' keys and values blobs; code blob.
    const strings = ['people.csv', spec.name, spec.section, spec.license].reduce((n, s) => n + 4 + s.length, 0);
    const maps = spec.maps.reduce((n, m) => n + 4 + m.name.length + 24 + 4 + (m.initialValue?.length ?? 0) + 8, 0);
    expect(bytes.length).toBe(4 + strings + 4 + maps + 4 + spec.insns.reduce((n, i) => n + (i.opcode === 0x18 ? 16 : 8), 0));
  });

  it('carries a cluster node\'s range after the program: appended to a message encoded once, the same bytes', () => {
    const range = { splitStart: 10, splitEnd: 2 ** 40, start: 12, delimiter: 124, quotes: false, header: true };
    const ranged = withRange(bytes, range);
    expect(ranged).toEqual(encodeProgramRequest({ file: 'people.csv', spec, range }));
    expect(ranged.length).toBe(bytes.length + 28);
    expect(decodeProgramRequest(ranged).range).toEqual(range);
    const { start: _, ...fromSplit } = range;
    expect(decodeProgramRequest(withRange(bytes, fromSplit)).range).toEqual(fromSplit);
  });

  it('refuses truncated, padded or corrupted messages', () => {
    expect(() => decodeProgramRequest(bytes.subarray(0, bytes.length - 3))).toThrow(/program message: truncated/);
    expect(() => decodeProgramRequest(new Uint8Array([...bytes, 0]))).toThrow(/1 unexpected bytes at the end/);
    const corrupt = bytes.slice();
    corrupt[0] = 0;
    expect(() => decodeProgramRequest(corrupt)).toThrow(StorageError);
  });
});

describe('result', () => {
  it('round-trips map contents and costs 4 + 4 + per map (4 + name + 12 + entries)', () => {
    const maps = [
      { name: 'state', keySize: 4, valueSize: 8, entries: [[new Uint8Array(4), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)] as const] },
      { name: 'groups', keySize: 2, valueSize: 1, entries: [[Uint8Array.of(1, 2), Uint8Array.of(9)] as const, [Uint8Array.of(3, 4), Uint8Array.of(7)] as const] },
    ];
    const bytes = encodeResult(maps);
    expect(bytes.length).toBe(8 + (4 + 5 + 12 + 12) + (4 + 6 + 12 + 6));
    expect(decodeResult(bytes)).toEqual(maps);
  });
});

describe('a map returned as a block of values (a join build side)', () => {
  const block = (values: number[]) => ({ name: 'build', keySize: 4, valueSize: 1, entries: [], block: Uint8Array.from(values) });

  it('sends every value up to the last non-zero one when most are set', () => {
    const bytes = encodeResult([block([1, 3, 0, 1, 0, 0])]);
    // magic, count; name; sizes; block mark, length (4 entries), DENSE, 4 values.
    expect(bytes.length).toBe(4 + 4 + 4 + 5 + 8 + 4 + 4 + 4 + 4);
    expect(decodeResult(bytes)).toEqual([block([1, 3, 0, 1])]);
  });

  it('sends only the non-zero entries (u32 index and value) when that is shorter', () => {
    const values = new Array<number>(100).fill(0);
    values[7] = 5;
    values[90] = 1;
    const bytes = encodeResult([block(values)]);
    expect(bytes.length).toBe(4 + 4 + 4 + 5 + 8 + 4 + 4 + 4 + 2 * (4 + 1));
    expect(decodeResult(bytes)).toEqual([block(values.slice(0, 91))]);
  });

  it('refuses an entry index past the block', () => {
    const bytes = encodeResult([block([...new Array<number>(20).fill(0), 1])]);
    bytes[bytes.length - 5] = 40;
    expect(() => decodeResult(bytes)).toThrow(/block entry 40 is past its length 21/);
  });
});
