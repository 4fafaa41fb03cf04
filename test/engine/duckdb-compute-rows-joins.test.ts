// --compute duckdb for row selections and joins: DuckDB's answer over the shipped tables equals pushdown's (skipped where DuckDB is not installed).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import { executeQuery } from '../../src/engine/execute.js';
import { planQuery } from '../../src/sql/bind.js';
import type { Catalog } from '../../src/sql/plan.js';
import { projectRoot } from '../../src/util/paths.js';
import { duckReason } from './duckdb-oracle.js';

const QUERIES = join(projectRoot(), 'queries');
const dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-rows-joins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tables = ['lineitem', 'orders', 'part', 'customer', 'nation'] as const;
generateTpch({ scaleFactor: 0.002, outDir: join(dir, 'csv'), tables });
generateTpch({ scaleFactor: 0.002, outDir: join(dir, 'tbl'), format: 'tbl', tables });
const csv = directoryCatalog(join(dir, 'csv'));
const tbl = directoryCatalog(join(dir, 'tbl'));

/** The example queries that select rows or join tables (the ones --compute duckdb refused before). */
const examples = readdirSync(QUERIES)
  .filter((file) => file.endsWith('.sql') && !file.startsWith('sensors'))
  .filter((file) => {
    const plan = planQuery(readFileSync(join(QUERIES, file), 'utf8'), csv, { file });
    return plan.rows !== undefined || plan.join !== undefined;
  })
  .sort();

/** answers runs the query by pushdown and by ship-all with DuckDB on the compute node; executeQuery throws if they differ. */
const answers = (sql: string, catalog: Catalog, queryFile = 'q.sql') =>
  executeQuery({ sql, queryFile, catalog, engine: 'jit', chunkBytes: 3520, link: {}, compare: true, compute: 'duckdb', onError: 'stop' });

describe.skipIf(duckReason !== '')('ship-all answered by DuckDB: row selections and joins', () => {
  test.each(examples)('%s', async (file) => {
    const sql = readFileSync(join(QUERIES, file), 'utf8');
    const run = await answers(sql, file.startsWith('tpch-q1') ? tbl : csv, file);
    expect(run.shipAll?.result).toEqual(run.result);
    expect(run.result.rows.length).toBeGreaterThan(0);
  });

  test('ties at a LIMIT keep file order, SELECT * drops the view\'s file-order column, a LIMIT without ORDER BY is the first rows', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${i + 1},${(i * 7) % 5},"n${(i * 3) % 4}"`);
    writeFileSync(join(dir, 'items.csv'), `id,k,name\n${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'items.schema'), 'id integer\nk integer\nname varchar(8)\n');
    const catalog = directoryCatalog(dir);
    for (const sql of ['select id from items order by k limit 7', 'select * from items order by name desc, k limit 11', 'select name, id from items where k > 1 limit 5', 'select id, k from items where id > 50']) {
      const run = await answers(sql, catalog);
      expect(run.shipAll?.result, sql).toEqual(run.result);
    }
  });
});
