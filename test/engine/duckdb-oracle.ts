// DuckDB as a test oracle: loading it (or the reason it is missing), exact column types, and the value-by-value comparison with Sluice's answer.
import { join } from 'node:path';
import { expect } from 'vitest';
import { TPCH_SCHEMAS } from '../../src/datasets/tpch/schemas.js';
import { formatValue, type ResultTable } from '../../src/sql/result.js';
import type { SqlType } from '../../src/values/types.js';

export const duckdb = await import('@duckdb/node-api').catch((error: unknown) => error as Error);
/** duckReason is why the DuckDB oracle is skipped here, or '' when DuckDB is installed. */
export const duckReason = duckdb instanceof Error ? `@duckdb/node-api is not installed (${duckdb.message.split('\n')[0]})` : '';
if (duckReason !== '') console.log(`skipping the DuckDB oracle: ${duckReason}`);

/** duckType maps a Sluice column type to the DuckDB type that holds it exactly. */
export function duckType(type: SqlType): string {
  if (type.kind === 'integer') return 'BIGINT';
  if (type.kind === 'decimal') return `DECIMAL(${type.precision},${type.scale})`;
  return type.kind === 'date' ? 'DATE' : 'VARCHAR';
}

/**
 * duckDbTpchRows runs `sql` in a fresh in-memory DuckDB over Sluice's generated TPC-H files in `dir`
 * (`TABLE.csv` with a header, or dbgen-style `TABLE.tbl` whose rows end with '|'), each a view typed
 * exactly as Sluice types it, and returns the rows as getRowsJson gives them.
 */
export async function duckDbTpchRows(dir: string, tables: readonly string[], sql: string, format: 'csv' | 'tbl' = 'csv'): Promise<unknown[][]> {
  if (duckdb instanceof Error) throw duckdb;
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const table of tables) {
      const schema = TPCH_SCHEMAS[table] ?? [];
      // A .tbl row ends with '|': one more, empty, field.
      const columns = [...schema.map(([column, type]) => `'${column}': '${duckType(type)}'`), ...(format === 'tbl' ? ["'tbl_end': 'VARCHAR'"] : [])].join(', ');
      const options = format === 'csv' ? 'header = true' : "header = false, delim = '|', quote = ''";
      await connection.run(`create view ${table} as select * from read_csv('${join(dir, `${table}.${format}`)}', ${options}, columns = {${columns}})`);
    }
    return (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** sameNumber compares Sluice's exact text with DuckDB's value: exactly, or for DuckDB's DOUBLE quotients within Sluice's rounding. */
function sameNumber(exact: string, duck: unknown): boolean {
  if (typeof duck === 'number') return Math.abs(Number(exact) - duck) <= 1e-9 * Math.max(1, Math.abs(duck)) + 0.5 * 10 ** -(exact.split('.')[1]?.length ?? 0);
  const canonical = (text: string): string => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  return canonical(exact) === canonical(String(duck));
}

/** expectDuckDbAgrees checks DuckDB's rows (as getRowsJson gives them) against Sluice's answer, value by value. */
export function expectDuckDbAgrees(name: string, ours: ResultTable, duck: unknown[][]): void {
  expect(duck.length).toBe(ours.rows.length);
  ours.rows.forEach((row, r) => {
    row.forEach((value, c) => {
      const type = (ours.columns[c] as ResultTable['columns'][number]).type;
      const text = formatValue(value, type);
      const theirs = duck[r]?.[c];
      const same = value === null || theirs === null ? value === theirs : type.kind === 'integer' || type.kind === 'decimal' ? sameNumber(text, theirs) : text.trim() === String(theirs).trim();
      expect(same, `${name} row ${r + 1} column ${c + 1}: Sluice ${text}, DuckDB ${String(theirs)}`).toBe(true);
    });
  });
}
