// Finds a query's table in a data directory and works out its layout and schema (built-in, file or inferred).
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { QueryError } from '../sql/errors.js';
import { INFER_SAMPLE_ROWS, inferColumnTypes } from './infer.js';
import type { Catalog, ColumnDef, TableSource } from '../sql/plan.js';
import { parseSchemaFile, type SchemaColumn } from './schema-file.js';
import { TPCH_SCHEMAS } from './tpch/schemas.js';
import type { SqlType } from '../values/types.js';

/** SAMPLE_BYTES is how much of a CSV file is read for its header and type inference. */
const SAMPLE_BYTES = 1 << 20;

/** directoryCatalog resolves `NAME` to `DIR/NAME.csv`, else `DIR/NAME.tbl`; schemas are read when a table is asked for. */
export function directoryCatalog(dir: string): Catalog {
  return {
    table(name) {
      for (const extension of ['.csv', '.tbl']) {
        const path = join(dir, `${name}${extension}`);
        if (existsSync(path)) return tableFromFile(path, name);
      }
      return undefined;
    },
    tableNames() {
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((file) => file.endsWith('.csv') || file.endsWith('.tbl'))
        .map((file) => basename(file, extname(file)).toLowerCase());
    },
  };
}

/**
 * tableFromFile describes a `.csv` or `.tbl` file as a table. Schema, in order of preference: a sibling
 * `NAME.schema`, the built-in TPC-H schema for a TPC-H table name, else (CSV only) types inferred from
 * the first INFER_SAMPLE_ROWS rows. A CSV header must name the schema's columns, in order.
 */
export function tableFromFile(path: string, name = basename(path, extname(path)).toLowerCase()): TableSource {
  const format = path.endsWith('.tbl') ? 'tbl' : 'csv';
  const schemaPath = path.slice(0, -extname(path).length) + '.schema';
  const declared: readonly SchemaColumn[] | undefined = existsSync(schemaPath)
    ? parseSchemaFile(readFileSync(schemaPath, 'utf8'), schemaPath)
    : TPCH_SCHEMAS[name]?.map(([columnName, type]) => ({ name: columnName, type }));
  const layout = format === 'tbl'
    ? { format, delimiter: '|', header: false, trailingDelimiter: true } as const
    : { format, delimiter: ',', header: true, trailingDelimiter: false } as const;
  const schemaSource = existsSync(schemaPath) ? 'schema-file' : declared !== undefined ? 'builtin' : 'inferred';
  if (format === 'tbl') {
    if (declared === undefined) {
      throw new QueryError(path, { line: 1, column: 1 }, `no schema for '${name}': .tbl files need a TPC-H table name or a sibling ${basename(schemaPath)}`);
    }
    return { name, path, ...layout, columns: columnDefs(declared), schemaSource };
  }
  const { header, rows } = readCsvSample(path);
  if (declared === undefined) {
    const types = inferColumnTypes(header.length, rows);
    const columns = header.map((columnName, index) => ({ name: columnName, type: types[index] as SqlType }));
    return { name, path, ...layout, columns: columnDefs(columns), schemaSource, inferredFromRows: rows.length };
  }
  checkHeader(path, header, declared);
  return { name, path, ...layout, columns: columnDefs(declared), schemaSource };
}

function columnDefs(columns: readonly SchemaColumn[]): ColumnDef[] {
  return columns.map((column, index) => ({ name: column.name.toLowerCase(), type: column.type, index }));
}

function checkHeader(path: string, header: readonly string[], declared: readonly SchemaColumn[]): void {
  let column = 1;
  for (let i = 0; i < Math.max(header.length, declared.length); i++) {
    const found = header[i];
    const expected = declared[i];
    if (found === undefined || expected === undefined || found.trim().toLowerCase() !== expected.name.toLowerCase()) {
      const reason = found === undefined
        ? `the header has ${header.length} columns but the schema declares ${declared.length}`
        : expected === undefined
          ? `header column '${found}' is not in the schema (${declared.length} columns)`
          : `header column '${found}' does not match schema column '${expected.name}'`;
      throw new QueryError(path, { line: 1, column }, reason);
    }
    column += found.length + 1;
  }
}

/** readCsvSample reads a CSV file's header row and up to INFER_SAMPLE_ROWS data rows from its first MiB. */
function readCsvSample(path: string): { header: string[]; rows: string[][] } {
  const buffer = Buffer.alloc(SAMPLE_BYTES);
  const fd = openSync(path, 'r');
  let length: number;
  try {
    length = readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const complete = length < SAMPLE_BYTES ? length : buffer.lastIndexOf(10, length - 1) + 1;
  let records: string[][];
  try {
    records = parseCsv(buffer.subarray(0, complete), {
      relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: INFER_SAMPLE_ROWS + 1, bom: true,
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new QueryError(path, { line, column: 1 }, `cannot read the CSV header and sample: ${(error as Error).message}`, { cause: error });
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new QueryError(path, { line: 1, column: 1 }, 'the CSV file is empty (expected a header row)');
  return { header: header.map((field) => field.trim()), rows };
}
