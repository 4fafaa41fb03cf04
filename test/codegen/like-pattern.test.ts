// LIKE with '_' and several '%': the program's leftmost matcher equals the backtracking reference, ship-all and DuckDB on random patterns, and both verifiers accept it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { executeQuery } from '../../src/engine/execute.js';
import { planQuery } from '../../src/sql/bind.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { verify } from '../../src/verifier/verifier.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';
import { kernelAvailability, loadKernelProgram } from '../../src/kernel/bpf.js';
import { likeMatches } from '../../src/values/like.js';
import { seededRandom } from '../../src/util/random.js';
import { INTEGER } from '../../src/values/types.js';
import { TPCH_SCHEMAS } from '../../src/datasets/tpch/schemas.js';
import { csvTable, memoryCatalog, tpchTable } from '../sql/helpers.js';
import { outcome } from './harness.js';
import { duckdb, duckReason } from '../engine/duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-like-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const words = csvTable('words', join(dir, 'words.csv'), [
  ['id', INTEGER],
  ['w', { kind: 'varchar', length: 24 }],
]);
const catalog = memoryCatalog(words, tpchTable('orders'));
const random = seededRandom(14);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
/** Characters of one to three bytes, so '_' must take whole characters. */
const ALPHABET = ['a', 'b', 'c', 'é', '€'];
const word = (): string => {
  let text = '';
  const length = 1 + Math.floor(random() * 6);
  for (let i = 0; i < length; i++) text += pick(ALPHABET);
  return text;
};
const WORDS = [...new Set(Array.from({ length: 100 }, word))];
writeFileSync(words.path, `id,w\n${WORDS.map((w, i) => `${i},${w}`).join('\n')}\n`, 'utf8');
const pattern = (): string => {
  let text = '';
  const length = 1 + Math.floor(random() * 6);
  for (let i = 0; i < length; i++) text += pick([...ALPHABET, '%', '%', '_', '_']);
  return text;
};
const PATTERNS = [...new Set(['a_c%', '%a%b%', '_', '%_', '_%_', 'a%b%c', '%é_%', '€%_a', ...Array.from({ length: 25 }, pattern)])];
const utf8 = (text: string) => new TextEncoder().encode(text);

const ids = async (where: string, chunkBytes: number) =>
  (await executeQuery({ sql: `select id from words where ${where}`, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes, link: {}, compare: true, onError: 'stop' })).result.rows.map((row) => Number(row[0]));

/** matchTable asks, in one query, which patterns each word matches: one COUNT(CASE WHEN w LIKE p THEN 1 END) per pattern, grouped by word. */
const matchTable = (patterns: readonly string[]) =>
  `select w, ${patterns.map((p, i) => `count(case when w ${i % 3 === 2 ? 'not ' : ''}like '${p.replaceAll("'", "''")}' then 1 end) as m${i}`).join(', ')} from words group by w order by w`;

async function duckRows(sql: string): Promise<string[][] | undefined> {
  if (duckdb instanceof Error) return undefined;
  const connection = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
  await connection.run(`create table words as select * from read_csv('${words.path}', header = true, columns = {'id': 'BIGINT', 'w': 'VARCHAR'})`);
  return (await connection.runAndReadAll(sql)).getRows().map((row) => row.map(String));
}

describe('LIKE with any pattern', () => {
  test('random patterns over one- to three-byte characters: program, ship-all, the reference and DuckDB agree', { timeout: 60_000 }, async () => {
    const sorted = [...WORDS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (let at = 0; at < PATTERNS.length; at += 11) {
      const patterns = PATTERNS.slice(at, at + 11);
      const sql = matchTable(patterns);
      // Small chunks cut rows in the middle of their characters; compare: ship-all must agree too.
      const run = await executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes: 5, link: {}, compare: true, onError: 'stop' });
      const ours = run.result.rows.map((row) => row.map(String));
      const expected = sorted.map((w) => [w, ...patterns.map((p, i) => (likeMatches(utf8(w), utf8(p)) !== (i % 3 === 2) ? '1' : '0'))]);
      expect(ours.map((row) => [Buffer.from(row[0] as string, 'latin1').toString('utf8'), ...row.slice(1)]), patterns.join(' ')).toEqual(expected);
      const duck = await duckRows(sql);
      if (duck !== undefined) expect(duck, `DuckDB: ${patterns.join(' ')}`).toEqual(expected);
    }
    if (duckReason !== '') console.log(`DuckDB not compared: ${duckReason}`);
  });

  test('a row selection keeps exactly the matching rows', async () => {
    const expected = WORDS.flatMap((w, i) => (likeMatches(utf8(w), utf8('%a_%b')) ? [i] : []));
    expect(expected.length).toBeGreaterThan(0);
    expect(await ids("w like '%a_%b'", 7)).toEqual(expected);
  });

  test("'_' takes one character, not one byte (as DuckDB), and invalid UTF-8 bytes are one character each", () => {
    expect(likeMatches(utf8('aéc'), utf8('a_c'))).toBe(true);
    expect(likeMatches(utf8('aéc'), utf8('a__c'))).toBe(false);
    expect(likeMatches(utf8('€'), utf8('_'))).toBe(true);
    expect(likeMatches(Uint8Array.of(0x61, 0xff, 0x63), utf8('a_c'))).toBe(true);
    // A lead byte with more than three continuation bytes after it: the fifth byte starts another character.
    expect(likeMatches(Uint8Array.of(0xf0, 0x80, 0x80, 0x80, 0x80), utf8('__'))).toBe(true);
  });

  test('invalid UTF-8 in the data: the program and ship-all agree with the reference', async () => {
    const bytesTable = csvTable('raw', join(dir, 'raw.csv'), [
      ['id', INTEGER],
      ['w', { kind: 'varchar', length: 8 }],
    ]);
    const values = ['a\x80c', '\xf0\x80\x80\x80\x80', '\x80\x80', 'a\xffc', '\xe2\x82', 'ab\x80\x80\x80\x80b'];
    writeFileSync(bytesTable.path, `id,w\n${values.map((w, i) => `${i},${w}`).join('\n')}\n`, 'latin1');
    for (const p of ['a_c', '__', '_', '%_b', '_%', 'ab_b', '%\u0080%']) {
      const sql = `select id from raw where w like '${p}'`;
      const run = await executeQuery({ sql, queryFile: 'q.sql', catalog: memoryCatalog(bytesTable), engine: 'interpreter', chunkBytes: 3, link: {}, compare: true, onError: 'stop' });
      const expected = values.flatMap((w, i) => (likeMatches(Buffer.from(w, 'latin1'), utf8(p)) ? [i] : []));
      expect(run.result.rows.map((row) => Number(row[0])), p).toEqual(expected);
    }
  });

  test('a pattern past the limits is refused with its line and column', () => {
    const long = `'${'%a'.repeat(33)}'`;
    expect(outcome(() => planQuery(`select count(*) from words\nwhere w like ${long}`, catalog))).toEqual({ error: 'QueryError', line: 2, column: 14 });
    const wide = "select count(*) from orders where o_comment like '%_e_%__s%'";
    expect(outcome(() => compileQuery(planQuery(wide, catalog)))).toEqual({ error: 'QueryError', line: 1, column: 35 });
    expect(outcome(() => planQuery("select count(*) from words where w like 'a' escape '!'", catalog))).toMatchObject({ error: 'QueryError', line: 1, column: 45 });
  });
});

const availability = kernelAvailability();
describe('both verifiers accept LIKE patterns with \'_\' (the Q13-like example query checks \'%special%requests%\' in test/codegen/verify and kernel)', () => {
  const QUERIES = [
    "select count(*) from orders where o_comment like '_%ly_%s%y'",
    "select count(*) from orders where o_clerk like 'Clerk#0000_0%1'",
  ];
  test.each(QUERIES)('%s', (sql) => {
    expect(TPCH_SCHEMAS.orders?.find(([name]) => name === 'o_comment')?.[1]).toEqual({ kind: 'varchar', length: 79 });
    const compiled = compileQuery(planQuery(sql, catalog));
    const ours = verify(compiled.spec, { context: HOOK_CONTEXT });
    console.log(`${sql}: ${compiled.spec.insns.length} insns; Sluice verifier processed ${ours.stats.processedInsns} insns, ${ours.stats.states} states`);
    if (!availability.ok) return;
    const program = loadKernelProgram(compiled.spec, { type: 'xdp' });
    console.log(`  Linux verifier processed ${program.processedInsns} insns`);
    program.close();
  });
});
