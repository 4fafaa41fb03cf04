// The compute node's third ship-all engine: DuckDB (the optional dependency @duckdb/node-api) reading the shipped CSV files with the schemas' column types.
import { createRequire } from 'node:module';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan, TableSource } from '../sql/plan.js';
import { tokenize } from '../sql/lexer.js';
import { finalizeResult, sortOrder, type ResultTable } from '../sql/result.js';
import { finalizeRows } from '../sql/row-result.js';
import type { ShipAllConsumer } from '../storage/shipall.js';
import { parseDateDays } from '../values/calendar.js';
import { parseDecimalUnits } from '../values/decimal.js';
import { scaleOf, typeName, type SqlType, type Value } from '../values/types.js';
import { SluiceError } from '../util/errors.js';

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

/** FILE_ORDER is the column a row selection's view adds: the row's number in the file, which breaks ties as Sluice does (file order). */
const FILE_ORDER = 'sluice_row';

/**
 * duckDbView is the SQL that makes `table` a DuckDB view over the CSV at `path` with the schema's
 * column types (no sniffing), so the query text runs unchanged. With `fileOrder` the view also numbers
 * the rows in file order (row_number() over the single-threaded scan, which reads the file in order).
 */
export function duckDbView(table: TableSource, path: string, fileOrder = false): string {
  const declared = table.columns.map((column) => `'${column.name}': '${duckDbType(column.type)}'`);
  // A .tbl row ends with a delimiter: DuckDB reads an empty last field after it.
  const columns = [...declared, ...(table.trailingDelimiter ? ["'sluice_row_end': 'VARCHAR'"] : [])].join(', ');
  const quoted = path.replaceAll("'", "''");
  const numbered = fileOrder ? `, row_number() over () as ${FILE_ORDER}` : '';
  return `create view ${table.name} as select *${numbered} from read_csv('${quoted}', header = ${table.header}, delim = '${table.delimiter}', columns = {${columns}}, auto_detect = false, allow_quoted_nulls = false)`;
}

/**
 * inFileOrder makes a row selection's text sort ties as Sluice does: the file order column goes last in
 * ORDER BY (or becomes the ORDER BY), before LIMIT or at the end. Sluice's SQL has no subqueries, so
 * the one LIMIT keyword is the statement's.
 */
export function inFileOrder(sql: string, plan: Plan): string {
  const tokens = tokenize(sql, plan.queryFile);
  const at = (tokens.find((token) => token.kind === 'identifier' && token.lower === 'limit') ?? tokens.find((token) => token.kind === 'end' || token.text === ';'))?.start ?? sql.length;
  const tiebreak = (plan.rows?.order.length ?? 0) > 0 ? `, ${FILE_ORDER} ` : ` order by ${FILE_ORDER} `;
  return `${sql.slice(0, at)}${tiebreak}${sql.slice(at)}`;
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
  const landing = new DuckDbLanding();
  const probe = landing.consumer(plan.table);
  return {
    write: (bytes) => probe.write(bytes),
    async end() {
      try {
        await probe.end();
        return await landing.answer(plan, sql, threads);
      } finally {
        landing.close();
      }
    },
  };
}

/**
 * DuckDbLanding is the compute node's directory for the tables shipped to it: each table's bytes land
 * in a file of their own (a join ships its build tables first, then the probe table), and `answer`
 * runs the query over views of all of them.
 */
export class DuckDbLanding {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-'));
  private readonly files = new Map<string, { readonly table: TableSource; readonly path: string; readonly fd: number; open: boolean }>();

  /** consumer lands one table's shipped bytes in its file. */
  consumer(table: TableSource): ShipAllConsumer<void> {
    const path = join(this.dir, `${table.name}.${table.format === 'csv' ? 'csv' : 'tbl'}`);
    const file = { table, path, fd: openSync(path, 'w'), open: true };
    this.files.set(table.name, file);
    return {
      write(bytes) {
        writeSync(file.fd, bytes);
      },
      end() {
        closeSync(file.fd);
        file.open = false;
      },
    };
  }

  /** answer runs `sql` with DuckDB on `threads` threads over every landed table (a row selection's view numbering its rows). */
  async answer(plan: Plan, sql: string, threads: number): Promise<ResultTable> {
    const duckdb = await loadDuckDb();
    const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
    const connection = await instance.connect();
    try {
      for (const { table, path } of this.files.values()) await connection.run(duckDbView(table, path, plan.rows !== undefined));
      const text = duckDbSql(sql);
      const reader = await connection.runAndReadAll(plan.rows === undefined ? text : inFileOrder(text, plan));
      return resultFrom(plan, reader.getRows());
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  /** close removes the landed files (closing any still open). */
  close(): void {
    for (const file of this.files.values()) if (file.open) closeSync(file.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * resultFrom turns DuckDB's rows into a ResultTable with Sluice's exact values, ordered as finalizeResult
 * orders (a row selection's rows come in the order DuckDB sorted them, ties in file order).
 */
function resultFrom(plan: Plan, rows: readonly (readonly unknown[])[]): ResultTable {
  const values = rows.map((row) => plan.outputs.map((output, i) => exactValue(row[i], output.type)));
  if (plan.rows !== undefined) return { ...finalizeRows(plan, [], 0), rows: values };
  const shape = finalizeResult(plan, [], 0);
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
