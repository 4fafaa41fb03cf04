// The CASE / HAVING / EXTRACT / ratio example queries: their shapes, ship-all exactness, and DuckDB as an oracle on SF 0.01 data.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import { executeQuery } from '../../src/engine/execute.js';
import type { ResultTable } from '../../src/sql/result.js';
import type { Catalog } from '../../src/sql/plan.js';
import { projectRoot } from '../../src/util/paths.js';
import { duckDbTpchRows, duckReason, expectDuckDbAgrees } from './duckdb-oracle.js';
import { typeName } from '../../src/values/types.js';

const QUERIES = join(projectRoot(), 'queries');
const EXAMPLES = ['shipmode-late-priority', 'discount-share', 'monthly-shipments', 'big-order-customers'] as const;
type Example = (typeof EXAMPLES)[number];

/** SHAPES: each example's columns (name and type) and what its rows must satisfy. */
const SHAPES: Record<Example, { columns: string[]; rows: (result: ResultTable) => void }> = {
  'shipmode-late-priority': {
    columns: ['l_shipmode char(10)', 'late_lines integer', 'on_time_lines integer', 'large_lines integer'],
    rows: (result) => {
      expect(result.rows.map((row) => String(row[0]).trim())).toEqual(['MAIL', 'SHIP']);
      for (const row of result.rows) expect((row[3] as bigint) <= (row[1] as bigint) + (row[2] as bigint)).toBe(true);
    },
  },
  'discount-share': {
    columns: ['l_returnflag char(1)', 'deep_discount_pct decimal(38,10)', 'mean_quantity decimal(38,6)', 'revenue_to_cents decimal(38,2)'],
    rows: (result) => {
      expect(result.rows.map((row) => row[0]).sort()).toEqual(['A', 'N', 'R']);
      for (const row of result.rows) expect((row[1] as bigint) > 0n && (row[1] as bigint) < 100n * 10n ** 10n).toBe(true);
      const shares = result.rows.map((row) => row[1] as bigint);
      expect(shares).toEqual([...shares].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    },
  },
  'monthly-shipments': {
    columns: ['ship_year integer', 'ship_month integer', 'lines integer', 'slow_lines integer', 'revenue decimal(38,4)'],
    rows: (result) => {
      expect(result.rows.length).toBeGreaterThan(0);
      for (const row of result.rows) {
        expect([1997n, 1998n]).toContain(row[0]);
        expect((row[1] as bigint) >= 1n && (row[1] as bigint) <= 12n).toBe(true);
        expect((row[2] as bigint) >= 10n).toBe(true);
        expect((row[3] as bigint) <= (row[2] as bigint)).toBe(true);
      }
    },
  },
  'big-order-customers': {
    columns: ['o_custkey integer', 'orders integer', 'urgent_pct decimal(38,6)', 'mean_price decimal(38,6)'],
    rows: (result) => {
      expect(result.rows.length).toBeGreaterThan(0);
      expect(result.rows.length).toBeLessThanOrEqual(20);
      for (const row of result.rows) {
        expect((row[1] as bigint) >= 3n).toBe(true);
        expect((row[2] as bigint) >= 0n && (row[2] as bigint) <= 100_000_000n).toBe(true);
      }
    },
  },
};

let dir = '';
let catalog: Catalog;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-expression-examples-'));
  generateTpch({ scaleFactor: 0.01, outDir: dir, format: 'csv', tables: ['lineitem', 'orders'] });
  catalog = directoryCatalog(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answers = new Map<Example, ResultTable>();

describe('expression example queries at SF 0.01: shape, and pushdown equal to ship-all', () => {
  test.each(EXAMPLES)('%s', async (name) => {
    const sql = readFileSync(join(QUERIES, `${name}.sql`), 'utf8');
    const run = await executeQuery({ sql, queryFile: `${name}.sql`, catalog, chunkBytes: 32768, onError: 'stop', engine: 'jit', link: {}, compare: true });
    expect(run.shipAll?.result).toEqual(run.result);
    expect(run.result.columns.map((column) => `${column.name} ${typeName(column.type)}`)).toEqual(SHAPES[name].columns);
    SHAPES[name].rows(run.result);
    answers.set(name, run.result);
  });
});


describe.skipIf(duckReason !== '')('DuckDB agrees on the same SF 0.01 CSV files', () => {
  test.each(EXAMPLES)('%s', async (name) => {
    const sql = readFileSync(join(QUERIES, `${name}.sql`), 'utf8');
    const duck = await duckDbTpchRows(dir, ['lineitem', 'orders'], sql);
    const ours = answers.get(name) ?? (await executeQuery({ sql, queryFile: `${name}.sql`, catalog, chunkBytes: 32768, onError: 'stop', engine: 'jit', link: {}, compare: false })).result;
    expectDuckDbAgrees(name, ours, duck);
  });
});
