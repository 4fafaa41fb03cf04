// Strings the program computes per row (SUBSTRING, CASE yielding strings): equal to the reference, ship-all and DuckDB, in WHERE, GROUP BY and row selections.
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
import { substringRange } from '../../src/values/substring.js';
import { seededRandom } from '../../src/util/random.js';
import { INTEGER } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { outcome } from './harness.js';
import { duckdb } from '../engine/duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-computed-strings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const words = csvTable('words', join(dir, 'words.csv'), [
  ['id', INTEGER],
  ['w', { kind: 'varchar', length: 20 }],
]);
const catalog = memoryCatalog(words);
const random = seededRandom(22);
const ALPHABET = ['a', 'b', 'é', '€', 'c'];
const WORDS = Array.from({ length: 60 }, () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join(''));
writeFileSync(words.path, `id,w\n${WORDS.map((w, i) => `${i},${w}`).join('\n')}\n`, 'utf8');
const utf8 = (text: string) => Buffer.from(text, 'utf8');

const run = async (sql: string, chunkBytes = 7) =>
  (await executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes, link: {}, compare: true, onError: 'stop' })).result.rows.map((row) => row.map((value) => (typeof value === 'string' ? Buffer.from(value, 'latin1').toString('utf8') : String(value))));

async function duckRows(sql: string): Promise<string[][] | undefined> {
  if (duckdb instanceof Error) return undefined;
  const connection = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
  await connection.run(`create table words as select * from read_csv('${words.path}', header = true, columns = {'id': 'BIGINT', 'w': 'VARCHAR'})`);
  return (await connection.runAndReadAll(sql)).getRows().map((row) => row.map(String));
}

const expectedSubstring = (w: string, start: number, count: number | undefined) => {
  const [from, to] = substringRange(utf8(w), start, count);
  return utf8(w).subarray(from, to).toString('utf8');
};

describe('SUBSTRING counts characters', () => {
  const CASES: [number, number | undefined][] = [[1, 2], [2, 3], [0, 3], [-1, 3], [3, undefined], [1, 0], [5, 9], [2, 1]];
  test('in a row selection, against SQL\'s rule, ship-all and DuckDB (DuckDB reads a negative start from the end, so not there)', { timeout: 30_000 }, async () => {
    const items = CASES.map(([start, count], i) => `substring(w, ${start}${count === undefined ? '' : `, ${count}`}) as s${i}`);
    const sql = `select id, ${items.join(', ')} from words order by id`;
    const ours = await run(sql);
    expect(ours).toEqual(WORDS.map((w, id) => [String(id), ...CASES.map(([start, count]) => expectedSubstring(w, start, count))]));
    const duck = await duckRows(sql);
    const comparable = CASES.flatMap(([start], i) => (start >= 0 ? [i + 1] : []));
    if (duck !== undefined) expect(duck.map((row) => comparable.map((i) => row[i]))).toEqual(ours.map((row) => comparable.map((i) => row[i])));
  });

  test('as a group key, in WHERE with IN, LIKE and <, with the FROM ... FOR syntax', async () => {
    const sql = "select substring(w from 2 for 2) as mid, count(*) as n from words where substring(w from 1 for 1) in ('a', 'é') and substring(w, 2) like '_%' and substring(w, 3, 1) < 'c' group by mid order by mid";
    const expected = new Map<string, number>();
    for (const w of WORDS) {
      const first = expectedSubstring(w, 1, 1);
      const third = expectedSubstring(w, 3, 1);
      if (!['a', 'é'].includes(first) || expectedSubstring(w, 2, undefined) === '' || Buffer.compare(utf8(third), utf8('c')) >= 0) continue;
      const key = expectedSubstring(w, 2, 2);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const rows = [...expected].sort(([a], [b]) => Buffer.compare(utf8(a), utf8(b))).map(([key, n]) => [key, String(n)]);
    expect(rows.length).toBeGreaterThan(2);
    expect(await run(sql)).toEqual(rows);
    const duck = await duckRows(sql);
    if (duck !== undefined) expect(duck).toEqual(rows);
  });

  test('a negative length is refused with its position, and the operand must be a string column', () => {
    expect(outcome(() => planQuery('select substring(w, 1, -2) from words', catalog))).toEqual({ error: 'QueryError', line: 1, column: 24 });
    expect(outcome(() => planQuery('select substring(id, 1, 2) from words', catalog))).toEqual({ error: 'QueryError', line: 1, column: 18 });
  });
});

describe('NULL (an empty field) in computed strings', () => {
  test('SUBSTRING of NULL is NULL, a CASE passes a NULL branch on, and NULL keys form one group, as in DuckDB', async () => {
    const table = csvTable('gaps', join(dir, 'gaps.csv'), [
      ['id', INTEGER],
      ['w', { kind: 'varchar', length: 8 }],
    ]);
    writeFileSync(table.path, 'id,w\n0,ab\n1,\n2,éc\n3,\n4,a\n', 'utf8');
    const gaps = async (sql: string) =>
      (await executeQuery({ sql, queryFile: 'q.sql', catalog: memoryCatalog(table), engine: 'interpreter', chunkBytes: 5, link: {}, compare: true, onError: 'stop' })).result.rows.map((row) => row.map((value) => (value === null ? 'null' : typeof value === 'string' ? Buffer.from(value, 'latin1').toString('utf8') : String(value))));
    const rows = await gaps("select id, substring(w, 1, 1) as s, case when w like 'a%' then 'A' when id > 2 then 'late' else w end as c from gaps where substring(w, 2) is null or substring(w, 2) <> 'x' order by id");
    expect(rows).toEqual([['0', 'a', 'A'], ['1', 'null', 'null'], ['2', 'é', 'éc'], ['3', 'null', 'late'], ['4', 'a', 'A']]);
    expect(await gaps('select substring(w, 1, 1) as s, count(*) from gaps group by s order by s')).toEqual([['a', '2'], ['é', '1'], ['null', '2']]);
    if (duckdb instanceof Error) return;
    const connection = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
    await connection.run(`create table gaps as select * from read_csv('${table.path}', header = true, columns = {'id': 'BIGINT', 'w': 'VARCHAR'})`);
    const duck = (await connection.runAndReadAll("select id, substring(w, 1, 1) as s, case when w like 'a%' then 'A' when id > 2 then 'late' else w end as c from gaps where substring(w, 2) is null or substring(w, 2) <> 'x' order by id")).getRows();
    expect(duck.map((row) => row.map((value) => (value === null ? 'null' : String(value))))).toEqual(rows);
  });
});

describe('CASE yielding strings', () => {
  const SQL = "select case when w like 'a%' then 'starts with a' when w like '%€' then substring(w, 1, 2) else w end as label, count(*) as n from words group by label order by label";
  test('as a group key with constant, SUBSTRING and column branches; selected in a row selection', { timeout: 30_000 }, async () => {
    const label = (w: string) => (w.startsWith('a') ? 'starts with a' : w.endsWith('€') ? expectedSubstring(w, 1, 2) : w);
    const counts = new Map<string, number>();
    for (const w of WORDS) counts.set(label(w), (counts.get(label(w)) ?? 0) + 1);
    const rows = [...counts].sort(([a], [b]) => Buffer.compare(utf8(a), utf8(b))).map(([key, n]) => [key, String(n)]);
    expect(await run(SQL)).toEqual(rows);
    const duck = await duckRows(SQL);
    if (duck !== undefined) expect(duck).toEqual(rows);
    const selected = await run("select id, case when id < 10 then 'small' else substring(w, 2, 1) end as tag from words where id < 20");
    expect(selected).toEqual(WORDS.slice(0, 20).map((w, id) => [String(id), id < 10 ? 'small' : expectedSubstring(w, 2, 1)]));
  });

  test('a numeric CASE is a group key too; a CASE mixing strings and numbers is refused', async () => {
    expect(await run("select case when w like '%€%' then 1 else 0 end as euro, count(*) from words group by 1 order by 1")).toEqual(
      [0, 1].map((euro) => [String(euro), String(WORDS.filter((w) => w.includes('€') === (euro === 1)).length)]).filter((row) => row[1] !== '0'),
    );
    expect(outcome(() => planQuery("select case when id < 3 then 'a' else 1 end from words", catalog))).toEqual({ error: 'QueryError', line: 1, column: 8 });
  });

  const availability = kernelAvailability();
  test('both verifiers accept the program', () => {
    const compiled = compileQuery(planQuery(SQL, catalog));
    const ours = verify(compiled.spec, { context: HOOK_CONTEXT });
    console.log(`CASE/SUBSTRING group key: ${compiled.spec.insns.length} insns; Sluice verifier processed ${ours.stats.processedInsns} insns, ${ours.stats.states} states`);
    if (!availability.ok) return;
    const program = loadKernelProgram(compiled.spec, { type: 'xdp' });
    console.log(`  Linux verifier processed ${program.processedInsns} insns`);
    program.close();
  });
});
