// NULL values on a join's build side: the map's NULL bits read as NULL by the probe, in WHERE, aggregates and GROUP BY, on every path and against DuckDB.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import { kernelAvailability } from '../../src/kernel/bpf.js';
import type { ResultTable } from '../../src/sql/result.js';
import { NodeService } from '../../src/storage/node-service.js';
import { duckReason, duckdb, expectDuckDbAgrees } from './duckdb-oracle.js';
import { InThreadNode } from './nodes.js';

/**
 * The build side `dim`: every value column has NULLs (k 2 and 4 are NULL in v, d and p; s is NULL for 3 and 4,
 * the empty string for 5), and one row has a NULL key (it joins nothing, and must not take key 0's place).
 * The probe side `fact` has keys 0..6 (0 and 6 are in no dim row) and one NULL key.
 */
const DIM = ['k,v,p,s,d', '1,10,1.50,aa,2024-01-01', '2,,,bb,', '3,30,-2.25,,2024-03-01', '4,,,,', '5,50,0.75,"",2024-05-05', ',99,9.99,zz,2024-09-09', ''].join('\n');
const FACT = ['k,q', ...Array.from({ length: 42 }, (_, i) => `${i % 7},${i + 1}`), ',7', ''].join('\n');
const DIM_TYPES = { k: 'BIGINT', v: 'BIGINT', p: 'DECIMAL(9,2)', s: 'VARCHAR', d: 'DATE' };
const FACT_TYPES = { k: 'BIGINT', q: 'BIGINT' };

let dir = '';
/** One storage node service behind the cluster's nodes (it verifies each program once). */
let service: NodeService;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-join-nulls-'));
  service = new NodeService({ dataDir: dir, chunkBytes: 64, engine: 'jit', link: {} });
  writeFileSync(join(dir, 'dim.csv'), DIM);
  writeFileSync(join(dir, 'dim.schema'), 'k integer\nv integer\np decimal(9,2)\ns varchar(8)\nd date\n');
  writeFileSync(join(dir, 'fact.csv'), FACT);
  writeFileSync(join(dir, 'fact.schema'), 'k integer\nq integer\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JOIN = 'from fact join dim on fact.k = dim.k';
/** QUERIES: build values that are NULL in WHERE (alone, under NOT, beside probe conditions), in aggregates, CASE and GROUP BY. */
const QUERIES = [
  `select count(*), sum(fact.q), sum(dim.v), count(dim.v), avg(dim.p), min(dim.d), max(dim.d), max(dim.s), count(dim.s) ${JOIN}`,
  `select dim.s, count(*), sum(dim.v), sum(fact.q) ${JOIN} group by dim.s order by dim.s`,
  `select dim.v, dim.d, count(*) ${JOIN} group by dim.v, dim.d order by dim.v, dim.d`,
  `select count(*) ${JOIN} where not (dim.v > 20 and fact.q > 3)`,
  `select count(*), sum(fact.q) ${JOIN} where dim.v + fact.q > 20 or dim.s is null`,
  `select count(*) ${JOIN} where dim.d < date '2024-04-01' or not (dim.p > 0 or fact.q < 10)`,
  `select sum(case when dim.v > 10 then fact.q end), count(case when dim.s like 'a%' then 1 end), sum(case when dim.p is null then 1 else 0 end) ${JOIN}`,
  `select case when dim.v > 5 then dim.s else 'q' end as c, count(*) ${JOIN} group by c order by c`,
  `select substring(dim.s from 2 for 1) as c, sum(dim.p) ${JOIN} group by c order by c`,
  `select extract(month from dim.d) as m, count(*), sum(fact.q) ${JOIN} where fact.q > 5 group by m order by m`,
];

const base = (sql: string) => ({ sql, queryFile: 'q.sql', catalog: directoryCatalog(dir), chunkBytes: 64, onError: 'stop' as const });
const kernel = kernelAvailability();

/** answer runs `sql` by pushdown (JIT) beside ship-all (csv-parse), requires them equal, and returns the answer. */
async function answer(sql: string): Promise<ResultTable> {
  const run = await executeQuery({ ...base(sql), engine: 'jit', link: {}, compare: true });
  expect(run.shipAll?.result, 'ship-all (csv-parse)').toEqual(run.result);
  return run.result;
}

describe('NULL values on the build side', () => {
  test.each(QUERIES)('%s: pushdown (interpreter, JIT, Linux), ship-all (csv-parse, program) and 3 nodes agree', async (sql) => {
    const expected = await answer(sql);
    const program = await executeQuery({ ...base(sql), engine: 'interpreter', link: {}, compare: true, compute: 'program' });
    expect(program.result, 'interpreter').toEqual(expected);
    expect(program.shipAll?.result, 'ship-all (program)').toEqual(expected);
    if (kernel.ok) expect((await executeQuery({ ...base(sql), engine: 'kernel', link: {}, compare: false })).result, 'Linux').toEqual(expected);
    // Three nodes: each builds over its third of dim (its NULL rows spread over them), and the merged map goes to every node.
    const run = await executeClusterQuery({ ...base(sql), nodes: Array.from({ length: 3 }, (_, i) => new InThreadNode(i, service)) });
    expect(run.result, '3 nodes').toEqual(expected);
  });

  test('a NULL build value is NULL, a NULL key joins nothing: the answers worked out by hand', async () => {
    // Keys 1..5 each match the 6 fact rows with q = k + 1, k + 8, ..., k + 36 (sum 6k + 111); fact keys 0, 6 and NULL match
    // nothing, and dim's NULL key takes no key's place. v is 10, 30, 50 for keys 1, 3, 5; p sums to 0 over them.
    expect((await answer(QUERIES[0] as string)).rows).toEqual([[30n, 645n, 540n, 18n, 0n, 19723n, 19848n, 'bb', 18n]]);
    // '' < 'aa' < 'bb', NULL last; key 2's v is NULL, so its group's SUM is NULL.
    expect((await answer(QUERIES[1] as string)).rows.map((row) => row.slice(0, 3))).toEqual([['', 6n, 300n], ['aa', 6n, 60n], ['bb', 6n, null], [null, 12n, 180n]]);
    // NOT (v > 20 AND q > 3): true for key 1 (v > 20 false), unknown for key 2 and 4 unless q > 3 is false (key 2's q = 3), false for keys 3 and 5.
    expect((await answer(QUERIES[3] as string)).rows).toEqual([[7n]]);
  });
});

describe.skipIf(duckReason !== '')('DuckDB agrees (read_csv with the column types, allow_quoted_nulls = false)', () => {
  test.each(QUERIES)('%s', async (sql) => {
    const ours = await answer(sql);
    const connection = await (await (duckdb as Exclude<typeof duckdb, Error>).DuckDBInstance.create(':memory:')).connect();
    const view = (name: string, types: Record<string, string>) =>
      `create view ${name} as select * from read_csv('${join(dir, `${name}.csv`)}', header = true, columns = {${Object.entries(types).map(([column, type]) => `'${column}': '${type}'`).join(', ')}}, auto_detect = false, allow_quoted_nulls = false)`;
    await connection.run(view('dim', DIM_TYPES));
    await connection.run(view('fact', FACT_TYPES));
    expectDuckDbAgrees(sql, ours, (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][]);
  });
});
