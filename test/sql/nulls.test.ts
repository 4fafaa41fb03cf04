// NULL: empty unquoted fields are NULL, three-valued logic, aggregates and groups over NULL, in the storage program (interpreter, JIT, Linux) and ship-all alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { finalizeResult, type ResultTable } from '../../src/sql/result.js';
import { readAnswer } from '../../src/codegen/read-maps.js';
import { mergeAnswers } from '../../src/codegen/merge.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';
import { DATE, INTEGER, decimalType } from '../../src/values/types.js';
import { verify } from '../../src/verifier/verifier.js';
import { jitEngine } from '../../src/vm/jit/engine.js';
import { kernelAvailability, loadKernelProgram, testRun } from '../../src/kernel/bpf.js';
import { outcome, scanWithInterpreter } from '../codegen/harness.js';
import { csvTable, memoryCatalog } from './helpers.js';
import { duckReason, duckType, duckdb, expectDuckDbAgrees } from '../engine/duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-nulls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 't.csv');
/** The table: every column has empty fields; row 3's tag is the empty string (quoted), not NULL. */
const TEXT = [
  'k,q,p,d,tag',
  'a,1,10.50,2024-01-01,x',
  'a,,-3.25,,""',
  ',3,,2024-03-01,',
  'b,,7.00,2024-04-01,yy',
  'b,5,1.00,,x',
  'c,,,,',
  '',
].join('\n');
writeFileSync(path, TEXT);
const COLUMNS = [['k', { kind: 'varchar', length: 4 }], ['q', INTEGER], ['p', decimalType(9, 2)], ['d', DATE], ['tag', { kind: 'varchar', length: 8 }]] as const;
const catalog = memoryCatalog(csvTable('t', path, COLUMNS));
const kernel = kernelAvailability();

/** answer runs `sql` through ship-all and through the emitted program (both verifiers; interpreter at several chunkings, the JIT, Linux), requires one answer, and returns it. */
function answer(sql: string): ResultTable {
  const plan = planQuery(sql, catalog, { file: 'q.sql' });
  const bytes = new TextEncoder().encode(TEXT);
  const consumer = createBaselineConsumer(plan);
  consumer.write(bytes);
  const shipAll = consumer.end();
  const compiled = compileQuery(plan, { maxChunk: 3520 });
  verify(compiled.spec, { context: HOOK_CONTEXT });
  for (const chunk of [7, 23, 3520]) expect(compiled.decode(scanWithInterpreter(compiled, bytes, chunk).read), `${chunk}-byte chunks`).toEqual(shipAll);
  expect(compiled.decode(scanWithInterpreter(compiled, bytes, 3520, jitEngine).read), 'JIT').toEqual(shipAll);
  if (kernel.ok) {
    const program = loadKernelProgram(compiled.spec, { type: 'xdp' });
    try {
      // One chunk (the file is short) that ends with a line break: no flush call is needed.
      expect(testRun(program.fd, bytes).retval).toBe(1);
      if (plan.rows === undefined) {
        const read = (name: string) => program.maps[compiled.spec.maps.findIndex((m) => m.name === name)]?.entries() ?? [];
        expect(compiled.decode(read), 'Linux').toEqual(shipAll);
      }
    } finally {
      program.close();
    }
  }
  return shipAll;
}

const rowsOf = (sql: string): unknown[][] => answer(sql).rows as unknown[][];

describe('aggregates skip NULL; COUNT(*) counts rows', () => {
  test('COUNT, SUM, AVG, MIN, MAX of columns with NULLs', () => {
    expect(rowsOf('select count(*), count(q), sum(q), count(p), sum(p), avg(q), min(d), max(d), count(tag), min(tag), max(tag), count(k) from t')).toEqual([
      [6n, 3n, 9n, 4n, 1525n, 30000n, 19723n, 19814n, 4n, '', 'yy', 5n],
    ]);
  });
  test('SUM, MIN, AVG of no non-NULL value are NULL, COUNT of one is 0', () => {
    expect(rowsOf('select sum(q), min(q), avg(p), max(tag), count(q), count(*) from t where q is null')).toEqual([[null, null, 1875000n, 'yy', 0n, 3n]]);
    expect(rowsOf('select sum(q), min(tag), avg(p), count(p) from t where p is null')).toEqual([[3n, null, null, 0n]]);
    expect(rowsOf("select k, sum(q), count(d) from t where k = 'c' group by k")).toEqual([['c', null, 0n]]);
  });
});

describe('three-valued logic in WHERE and CASE', () => {
  test('IS NULL and IS NOT NULL of every type, and of expressions', () => {
    expect(rowsOf('select count(*) from t where q is null')).toEqual([[3n]]);
    expect(rowsOf('select count(*) from t where q is not null')).toEqual([[3n]]);
    expect(rowsOf('select count(*) from t where tag is null')).toEqual([[2n]]);
    expect(rowsOf('select count(*) from t where d is null or k is null')).toEqual([[4n]]);
    expect(rowsOf('select count(*) from t where q + p is not null')).toEqual([[2n]]);
    expect(rowsOf("select count(*) from t where not (tag is not null and d is null)")).toEqual([[4n]]);
  });
  test('comparisons, IN, LIKE with a NULL operand are unknown: neither they nor their NOT keep the row', () => {
    expect(rowsOf('select count(*) from t where q > 2')).toEqual([[2n]]);
    expect(rowsOf('select count(*) from t where not (q > 2)')).toEqual([[1n]]);
    expect(rowsOf('select count(*) from t where q in (1, 3)')).toEqual([[2n]]);
    expect(rowsOf('select count(*) from t where q not in (1, 3)')).toEqual([[1n]]);
    expect(rowsOf("select count(*) from t where tag like 'x%'")).toEqual([[2n]]);
    expect(rowsOf("select count(*) from t where tag not like 'x%'")).toEqual([[2n]]);
    expect(rowsOf("select count(*) from t where tag = ''")).toEqual([[1n]]);
    expect(rowsOf("select count(*) from t where d < date '2024-03-15'")).toEqual([[2n]]);
    expect(rowsOf("select count(*) from t where not (d >= date '2024-03-15')")).toEqual([[2n]]);
  });
  test('AND and OR: false and true decide over unknown', () => {
    expect(rowsOf('select count(*) from t where q > 2 or p > 5')).toEqual([[4n]]);
    expect(rowsOf('select count(*) from t where not (q > 2 or p > 5)')).toEqual([[0n]]);
    expect(rowsOf('select count(*) from t where not (q > 2 and p > 0)')).toEqual([[2n]]);
    expect(rowsOf('select count(*) from t where not (q < 99999999999999999999)')).toEqual([[0n]]);
    expect(rowsOf("select count(*) from t where not (tag like '%')")).toEqual([[0n]]);
    expect(rowsOf("select count(*) from t where tag like '%'")).toEqual([[4n]]);
  });
  test('an unknown WHEN goes to ELSE; a CASE over NULL compares as NULL', () => {
    expect(rowsOf('select sum(case when q > 2 then 1 else 0 end), sum(case when not (q > 2) then 1 else 0 end) from t')).toEqual([[2n, 1n]]);
    expect(rowsOf('select count(*) from t where case when q > 1 then 1 end = 1')).toEqual([[2n]]);
  });
});

describe('NULL as a group key, in DISTINCT, and in returned rows', () => {
  test('NULL keys form one group; EXTRACT of a NULL date is a NULL key', () => {
    expect(rowsOf('select k, count(*), sum(q) from t group by k order by k')).toEqual([['a', 2n, 1n], ['b', 2n, 5n], ['c', 1n, null], [null, 1n, 3n]]);
    expect(rowsOf('select extract(month from d) as m, count(*) from t group by m order by m')).toEqual([[1n, 1n], [3n, 1n], [4n, 1n], [null, 3n]]);
    expect(rowsOf('select tag, count(*) from t group by tag order by tag desc')).toEqual([['yy', 1n], ['x', 2n], ['', 1n], [null, 2n]]);
  });
  test('DISTINCT keeps one NULL; COUNT(DISTINCT) does not count it', () => {
    expect(rowsOf('select distinct q from t order by q')).toEqual([[1n], [3n], [5n], [null]]);
    expect(rowsOf('select count(distinct q) from t')).toEqual([[3n]]);
    expect(rowsOf('select k, count(distinct q) from t group by k order by k')).toEqual([['a', 1n], ['b', 1n], ['c', 0n], [null, 1n]]);
  });
  test('a row selection returns NULL, sorted last both ways', () => {
    expect(rowsOf('select q, tag, d, q * 2 as q2 from t where k is not null order by q desc')).toEqual([
      [5n, 'x', null, 10n], [1n, 'x', 19723n, 2n], [null, '', null, null], [null, 'yy', 19814n, null], [null, null, null, null],
    ]);
    expect(rowsOf('select * from t where p is null')).toEqual([[null, 3n, null, 19783n, null], ['c', null, null, null, null]]);
  });
});

describe('cases the query campaign found', () => {
  test('a condition false unless NULL inside an AND under OR leaves no code that cannot run (seed 1957)', () => {
    expect(rowsOf("select count(*) from t where (tag not like '%%' and q * q = q) or q is null")).toEqual([[3n]]);
    expect(rowsOf("select count(*) from t where not (tag like '%' or q < 99999999999999999999) or k = 'a'")).toEqual([[2n]]);
  });
  test('an operand after a NULL one is not computed, so its overflow stops neither path (seed 686)', () => {
    // p * 10^18 leaves 64 bits for every p but NULL; it is only reached where q is NULL, after q decided.
    expect(rowsOf('select count(*) from t where q is null and q + q = p * 1000000000000000000')).toEqual([[0n]]);
    expect(rowsOf('select sum(q + p * 1000000000000000000) from t where q is null')).toEqual([[null]]);
  });
});

describe('across nodes', () => {
  test('each part of the file scanned alone, merged: NULL groups unite, counts of non-NULL values add', () => {
    const [header, ...rows] = TEXT.trimEnd().split('\n');
    for (const sql of ['select k, count(*), count(q), sum(p), min(tag), max(d) from t group by k', 'select tag, avg(q) from t where not (q > 3) or q is null group by tag']) {
      const plan = planQuery(sql, catalog, { file: 'q.sql' });
      const compiled = compileQuery(plan, { maxChunk: 3520 });
      const parts = [rows.slice(0, 2), rows.slice(2, 3), rows.slice(3)].map((part) => {
        const bytes = new TextEncoder().encode(`${header}\n${part.join('\n')}\n`);
        return readAnswer(compiled.layout, scanWithInterpreter(compiled, bytes, 3520).read);
      });
      const merged = mergeAnswers(plan, parts, 4096, 't.csv');
      expect(finalizeResult(plan, merged.groups, 0), sql).toEqual(answer(sql));
    }
  });
});

describe('the rule for empty fields', () => {
  test('a quoted empty field "" is the empty string for strings and malformed for numbers and dates', () => {
    const bad = (text: string, sql: string) => {
      const plan = planQuery(sql, memoryCatalog(csvTable('t', path, COLUMNS)), { file: 'q.sql' });
      const bytes = new TextEncoder().encode(text);
      const shipAll = outcome(() => {
        const consumer = createBaselineConsumer(plan);
        consumer.write(bytes);
        return consumer.end();
      });
      const compiled = compileQuery(plan, { maxChunk: 3520 });
      expect(outcome(() => compiled.decode(scanWithInterpreter(compiled, bytes, 3520).read))).toEqual(shipAll);
      return shipAll;
    };
    expect(bad('k,q,p,d,tag\na,"",1.00,2024-01-01,x\n', 'select sum(q) from t')).toEqual({ error: 'MalformedRowError', line: 2, column: 3 });
    expect(bad('k,q,p,d,tag\na,1,1.00,"",x\n', 'select max(d) from t')).toEqual({ error: 'MalformedRowError', line: 2, column: 10 });
    expect(bad('k,q,p,d,tag\na,1,1.00,,x\r\nb,,,,\r\n', 'select count(q), count(d), count(tag), count(*) from t')).toMatchObject({ rows: [[1n, 0n, 1n, 2n]] });
  });
});

describe.skipIf(duckReason !== '')('DuckDB agrees (read_csv with the column types, allow_quoted_nulls = false)', () => {
  test.each([
    'select k, count(*), count(q), sum(p), min(tag), max(d) from t group by k order by k',
    'select count(*) from t where not (q > 2 or p > 5) or tag is null',
    "select q, tag from t where tag <> 'x' or q is null order by q desc, tag",
    'select sum(case when p > 0 then q else 0 end), avg(p) from t where d is not null or q in (3, 5)',
    'select k, count(distinct tag) from t group by k order by k',
  ])('%s', async (sql) => {
    const ours = answer(sql);
    const connection = await (await (duckdb as Exclude<typeof duckdb, Error>).DuckDBInstance.create(':memory:')).connect();
    const columns = COLUMNS.map(([name, type]) => `'${name}': '${duckType(type)}'`).join(', ');
    await connection.run(`create view t as select * from read_csv('${path}', header = true, columns = {${columns}}, auto_detect = false, allow_quoted_nulls = false)`);
    const duck = (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][];
    expectDuckDbAgrees(sql, ours, duck);
  });
});
