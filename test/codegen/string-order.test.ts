// String ranges (<, <=, >, >=, BETWEEN) compare bytes in the program exactly as ship-all does: prefixes, 0x00/0xFF bytes, values longer than the capture.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { executeQuery } from '../../src/engine/execute.js';
import { planQuery } from '../../src/sql/bind.js';
import { INTEGER } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-string-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const words = csvTable('words', join(dir, 'words.csv'), [
  ['id', INTEGER],
  ['w', { kind: 'varchar', length: 4 }],
]);
const catalog = memoryCatalog(words);
const VALUES = ['', 'a', 'ab', 'abc', 'abd', 'ab\x00', 'ab\xff', 'abcdefgh', 'b', '\xff', '\x00', 'ABC', 'aa', 'abca'];
writeFileSync(words.path, `id,w\n${VALUES.map((w, i) => `${i},"${w}"`).join('\n')}\n`, 'latin1');

const ids = async (where: string, chunkBytes: number) =>
  (await executeQuery({ sql: `select id from words where ${where}`, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes, link: {}, compare: true, onError: 'stop' })).result.rows.map((row) => Number(row[0]));

/** expected applies the comparison to the byte strings in JavaScript (latin1 strings compare bytewise). */
const expected = (keep: (w: string) => boolean) => VALUES.flatMap((w, i) => (keep(w) ? [i] : []));

describe('string ranges', () => {
  test.each([
    ["w < 'abc'", (w: string) => w < 'abc'],
    ["w <= 'abc'", (w: string) => w <= 'abc'],
    ["w > 'abc'", (w: string) => w > 'abc'],
    ["w >= 'ab'", (w: string) => w >= 'ab'],
    ["w between 'ab' and 'abd'", (w: string) => w >= 'ab' && w <= 'abd'],
    ["not w between 'a' and 'b'", (w: string) => !(w >= 'a' && w <= 'b')],
    ["'abc' > w", (w: string) => w < 'abc'],
    ["w > 'abcdef'", (w: string) => w > 'abcdef'],
    ["w < 'ab\u00ff'", (w: string) => w < 'ab\xc3\xbf'],
    ["w >= ''", () => true],
    ["w > ''", (w: string) => w !== ''],
  ] as const)('%s equals ship-all and the bytewise answer', async (where, keep) => {
    for (const chunk of [3, 4096]) expect(await ids(where, chunk), `${chunk}-byte chunks`).toEqual(expected(keep));
  });

  test("w < '' is decided at compile time", () => {
    expect(planQuery("select count(*) from words where w < ''", catalog).filter).toEqual({ kind: 'truth', value: false });
  });
});

describe('MIN and MAX of strings', () => {
  const extremes = async (sql: string, chunkBytes: number) =>
    (await executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes, link: {}, compare: true, onError: 'stop' })).result.rows;

  test('compare bytes in the program, equal to ship-all, in one group and in many', async () => {
    const bytewise = [...VALUES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const chunk of [3, 4096]) {
      // 'abcdefgh' is longer than w's capture of 4 bytes: leave it out, it would stop the scan.
      const kept = bytewise.filter((w) => w !== 'abcdefgh');
      expect(await extremes("select min(w), max(w), count(*) from words where id <> 7", chunk)).toEqual([[kept[0], kept[kept.length - 1], BigInt(kept.length)]]);
      expect(await extremes('select id, min(w), max(w) from words where id < 5 group by id order by id', chunk)).toEqual(VALUES.slice(0, 5).map((w, i) => [BigInt(i), w, w]));
    }
  });

  test('a value longer than its capture stops the scan with a reason', async () => {
    await expect(extremes('select max(w) from words', 4096)).rejects.toThrow(/longer than its column's declared width/);
  });
});
