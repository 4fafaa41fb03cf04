// DuckDB as an oracle for the row-selection and DISTINCT example queries on generated TPC-H SF 0.01 data (skipped where it is not installed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import { executeQuery } from '../../src/engine/execute.js';
import { formatValue } from '../../src/sql/result.js';
import { projectRoot } from '../../src/util/paths.js';
import { duckDbTpchRows, duckReason } from './duckdb-oracle.js';

type Rows = readonly (readonly (string | null)[])[];
/** SHAPES: each example's columns and what its rows must look like, whatever the data. */
const SHAPES: Record<string, { columns: string[]; check: (rows: Rows) => void }> = {
  'top-revenue-lines.sql': {
    columns: ['l_orderkey', 'l_linenumber', 'l_shipdate', 'revenue'],
    check: (rows) => {
      expect(rows).toHaveLength(10);
      const revenue = rows.map((row) => Number(row[3]));
      expect(revenue).toEqual([...revenue].sort((a, b) => b - a));
      for (const row of rows) expect(row[2]).toMatch(/^1995-01-/);
    },
  },
  'largest-discounts.sql': {
    columns: ['l_orderkey', 'l_linenumber', 'l_shipmode', 'discount_amount'],
    check: (rows) => {
      expect(rows).toHaveLength(100);
      const amounts = rows.map((row) => Number(row[3]));
      expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
      for (const row of rows) expect(['AIR', 'FOB', 'MAIL', 'RAIL', 'REG AIR', 'SHIP', 'TRUCK']).toContain(row[2]);
    },
  },
  'bulk-air-extract.sql': {
    columns: ['l_orderkey', 'l_linenumber', 'l_partkey', 'l_quantity', 'l_shipdate', 'l_shipinstruct', 'l_comment'],
    check: (rows) => {
      expect(rows.length).toBeGreaterThan(100);
      for (const row of rows) expect(Number(row[3])).toBeGreaterThanOrEqual(49);
      const keys = rows.map((row) => Number(row[0]) * 10 + Number(row[1]));
      expect(keys).toEqual([...keys].sort((a, b) => a - b)); // file order is order-key order in TPC-H
    },
  },
  'first-untaxed-discounts.sql': {
    columns: ['l_orderkey', 'l_linenumber', 'l_extendedprice', 'l_discount', 'l_returnflag'],
    check: (rows) => {
      expect(rows).toHaveLength(20);
      for (const row of rows) expect(row[3]).toBe('0.10');
    },
  },
  'clerks-by-priority.sql': {
    columns: ['o_orderpriority', 'clerks'],
    check: (rows) => expect(rows.map((row) => row[0])).toEqual(['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW']),
  },
  'brand-range.sql': {
    columns: ['p_brand', 'parts', 'cheapest'],
    check: (rows) => expect(rows.map((row) => row[0])).toEqual(['Brand#21', 'Brand#22', 'Brand#23', 'Brand#24', 'Brand#25']),
  },
  'shipping-comment-extremes.sql': {
    columns: ['l_shipmode', 'first_instruction', 'last_comment', 'lines'],
    check: (rows) => {
      expect(rows).toHaveLength(7);
      for (const row of rows) expect(['COLLECT COD', 'DELIVER IN PERSON', 'NONE', 'TAKE BACK RETURN']).toContain(row[1]);
    },
  },
  'late-1998-shipping-terms.sql': {
    columns: ['l_shipmode', 'l_shipinstruct'],
    check: (rows) => {
      expect(rows.length).toBeGreaterThan(20);
      expect(rows.length).toBeLessThanOrEqual(28); // 7 modes x 4 instructions
      expect(new Set(rows.map((row) => row.join('|'))).size).toBe(rows.length);
    },
  },
};
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-rows-'));
  generateTpch({ scaleFactor: 0.01, outDir: dir, tables: ['lineitem', 'orders', 'part'] });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** duckAnswer runs the query in DuckDB over the same CSV files, typed as Sluice types them, every value as text. */
async function duckAnswer(sql: string): Promise<(string | null)[][]> {
  return (await duckDbTpchRows(dir, ['lineitem', 'orders', 'part'], `select columns(*)::varchar from (${sql.replace(/;\s*$/, '')})`)) as (string | null)[][];
}

describe('row selection and DISTINCT examples: their shape, and DuckDB\'s answer on SF 0.01', () => {
  test.each(Object.keys(SHAPES))('%s', async (name) => {
    const sql = readFileSync(join(projectRoot(), 'queries', name), 'utf8');
    // compare: Sluice's pushdown answer is also checked against its own ship-all evaluator.
    const run = await executeQuery({ sql, queryFile: name, catalog: directoryCatalog(dir), engine: 'jit', chunkBytes: 4096, link: {}, compare: true, onError: 'stop' });
    const ours = run.result.rows.map((row) => row.map((value, i) => (value === null ? null : formatValue(value, run.result.columns[i]!.type))));
    const shape = SHAPES[name]!;
    expect(run.result.columns.map((column) => column.name)).toEqual(shape.columns);
    shape.check(ours);
    if (duckReason === '') expect(ours).toEqual(await duckAnswer(sql));
  });
});
