// The test suite every group of example queries gets: over SF 0.01 TPC-H tables generated once, each query's shape holds and pushdown equals ship-all, and DuckDB agrees.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import type { TableName } from '../../src/datasets/tpch/tables.js';
import { executeQuery } from '../../src/engine/execute.js';
import type { Catalog } from '../../src/sql/plan.js';
import type { ResultTable } from '../../src/sql/result.js';
import { projectRoot } from '../../src/util/paths.js';
import { typeName } from '../../src/values/types.js';
import { duckDbTpchRows, duckReason, expectDuckDbAgrees } from './duckdb-oracle.js';

/** Shape is an example's columns (name and type) and what its rows must satisfy. */
export interface Shape {
  readonly columns: string[];
  readonly rows: (result: ResultTable) => void;
}

/** describeExamples registers the suite for the `what` example queries (queries/NAME.sql, in the order given) over `tables`. */
export function describeExamples<Example extends string>(what: string, tables: readonly TableName[], examples: readonly Example[], shapes: Record<Example, Shape>): void {
  const queries = join(projectRoot(), 'queries');
  let dir = '';
  let catalog: Catalog;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `sluice-${what}-examples-`));
    generateTpch({ scaleFactor: 0.01, outDir: dir, format: 'csv', tables });
    catalog = directoryCatalog(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const answers = new Map<Example, ResultTable>();
  const answer = (name: Example, compare: boolean) => {
    const sql = readFileSync(join(queries, `${name}.sql`), 'utf8');
    return executeQuery({ sql, queryFile: `${name}.sql`, catalog, chunkBytes: 32768, onError: 'stop', engine: 'jit', link: {}, compare });
  };

  describe(`${what} example queries at SF 0.01: shape, and pushdown equal to ship-all`, () => {
    test.each(examples)('%s', async (name) => {
      const run = await answer(name, true);
      expect(run.shipAll?.result).toEqual(run.result);
      expect(run.result.columns.map((column) => `${column.name} ${typeName(column.type)}`)).toEqual(shapes[name].columns);
      shapes[name].rows(run.result);
      answers.set(name, run.result);
    });
  });

  describe.skipIf(duckReason !== '')('DuckDB agrees on the same SF 0.01 CSV files', () => {
    test.each(examples)('%s', async (name) => {
      const duck = await duckDbTpchRows(dir, tables, readFileSync(join(queries, `${name}.sql`), 'utf8'));
      const ours = answers.get(name) ?? (await answer(name, false)).result;
      expectDuckDbAgrees(name, ours, duck);
    });
  });
}
