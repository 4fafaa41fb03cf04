// The compute node's third ship-all engine: DuckDB (the optional dependency @duckdb/node-api) reading the shipped CSV with the schema's column types.
import { createRequire } from 'node:module';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan, TableSource } from '../sql/plan.js';
import { finalizeResult, sortOrder, type ResultTable } from '../sql/result.js';
import type { ShipAllConsumer } from '../storage/shipall.js';
import { parseDateDays } from '../values/calendar.js';
import { parseDecimalUnits } from '../values/decimal.js';
import { scaleOf, typeName, type SqlType, type Value } from '../values/types.js';
import { SluiceError, UsageError } from '../util/errors.js';

/** DUCKDB_PACKAGE is the optional dependency this engine needs. */
export const DUCKDB_PACKAGE = '@duckdb/node-api';

type DuckDb = typeof import('@duckdb/node-api');

/** loadDuckDb imports DuckDB, or fails with a usage error saying how to install it. */
export async function loadDuckDb(): Promise<DuckDb> {
  try {
    // require, not import(): the bundled CLI runs as a script, where import() of a package is not available.
    return createRequire(import.meta.url)(DUCKDB_PACKAGE) as DuckDb;
  } catch (error) {
    const reason = `--compute duckdb needs the optional dependency ${DUCKDB_PACKAGE}, which is not installed (npm install ${DUCKDB_PACKAGE})`;
    throw new SluiceError(reason, { cause: error, exitCode: 2 });
  }
}

/** duckDbInstalled says whether DuckDB can be imported here. */
export async function duckDbInstalled(): Promise<boolean> {
  return loadDuckDb().then(
    () => true,
    () => false,
  );
}

/**
 * duckDbView is the SQL that makes `table` a DuckDB view over the CSV at `path` with the schema's
 * column types (no sniffing), so the query text runs unchanged.
 */
export function duckDbView(table: TableSource, path: string): string {
  const declared = table.columns.map((column) => `'${column.name}': '${duckDbType(column.type)}'`);
  // A .tbl row ends with a delimiter: DuckDB reads an empty last field after it.
  const columns = [...declared, ...(table.trailingDelimiter ? ["'sluice_row_end': 'VARCHAR'"] : [])].join(', ');
  const quoted = path.replaceAll("'", "''");
  return `create view ${table.name} as select * from read_csv('${quoted}', header = ${table.header}, delim = '${table.delimiter}', columns = {${columns}}, auto_detect = false, allow_quoted_nulls = false)`;
}

/** duckDbSql is the query as DuckDB takes it: TPC-H's interval precision `day (3)` means the same without it. */
export function duckDbSql(sql: string): string {
  return sql.replace(/;\s*$/, '').replace(/(interval\s+'\d+'\s+day)\s*\(\d+\)/gi, '$1');
}

/** duckDbType is the DuckDB type that holds every value of `type`: Sluice's integers are 64-bit (DuckDB's INTEGER is 32). */
function duckDbType(type: SqlType): string {
  if (type.kind === 'integer') return 'BIGINT';
  if (type.kind === 'char' || type.kind === 'varchar') return 'VARCHAR';
  return typeName(type).toUpperCase();
}

/**
 * duckDbConsumer lands the shipped bytes in a temporary file (as a compute node receiving a table
 * would) and answers the query with DuckDB on `threads` threads over it at the end. Its rows become
 * exact values by the plan's output types; an AVG, which DuckDB returns as a double, is rounded to
 * the column's scale (exact while the average has fewer than 15 significant digits).
 */
export function duckDbConsumer(plan: Plan, sql: string, threads = 1): ShipAllConsumer<ResultTable> {
  if (plan.rows) throw new UsageError('--compute duckdb answers aggregate queries; use csv-parse or program for a row selection');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-'));
  const path = join(dir, plan.table.format === 'csv' ? 'shipped.csv' : 'shipped.tbl');
  const fd = openSync(path, 'w');
  let open = true;
  const cleanUp = () => {
    if (open) closeSync(fd);
    open = false;
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    write(bytes) {
      writeSync(fd, bytes);
    },
    async end() {
      try {
        closeSync(fd);
        open = false;
        const duckdb = await loadDuckDb();
        const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
        const connection = await instance.connect();
        try {
          await connection.run(duckDbView(plan.table, path));
          const reader = await connection.runAndReadAll(duckDbSql(sql));
          return resultFrom(plan, reader.getRows());
        } finally {
          connection.closeSync();
          instance.closeSync();
        }
      } finally {
        cleanUp();
      }
    },
  };
}

/** resultFrom turns DuckDB's rows into a ResultTable with Sluice's exact values, ordered as finalizeResult orders. */
function resultFrom(plan: Plan, rows: readonly (readonly unknown[])[]): ResultTable {
  const shape = finalizeResult(plan, [], 0);
  const values = rows.map((row) => plan.outputs.map((output, i) => exactValue(row[i], output.type)));
  // A sort key that is not an output (ORDER BY an unselected expression) cannot be recomputed from these rows: DuckDB's order stands.
  if (plan.orderBy.some((key) => 'expr' in key)) return { ...shape, rows: values };
  const ordering = [...plan.orderBy.flatMap((key) => ('output' in key ? [key] : [])), ...plan.outputs.map((_, output) => ({ output, desc: false }))];
  values.sort((a, b) => {
    for (const key of ordering) {
      const order = sortOrder(a[key.output] ?? null, b[key.output] ?? null, key.desc);
      if (order !== 0) return order;
    }
    return 0;
  });
  return { ...shape, rows: values };
}

/** exactValue converts one DuckDB value (a JS number or bigint, a string, or a DuckDB value object with an exact toString) to a Value of `type`. */
function exactValue(value: unknown, type: SqlType): Value {
  if (value === null || value === undefined) return null;
  if (type.kind === 'char' || type.kind === 'varchar') return Buffer.from(String(value), 'utf8').toString('latin1');
  if (type.kind === 'date') {
    const days = parseDateDays(String(value));
    if (days === undefined) throw new RangeError(`DuckDB returned '${String(value)}' for a date`);
    return BigInt(days);
  }
  const scale = scaleOf(type);
  const text = typeof value === 'number' ? value.toFixed(scale) : String(value);
  const units = parseDecimalUnits(text, scale);
  if (units === undefined) throw new RangeError(`DuckDB returned '${text}' for a ${typeName(type)}`);
  return units;
}
