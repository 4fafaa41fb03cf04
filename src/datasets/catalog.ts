// Finds a query's table in a data directory and works out its layout and schema (built-in, file or inferred).
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { QueryError } from '../sql/errors.js';
import { INFER_SAMPLE_ROWS, inferColumnTypes } from './infer.js';
import { MAX_LINE_BYTES, type Catalog, type ColumnDef, type TableSource } from '../sql/plan.js';
import { parseSchemaFile, type SchemaColumn } from './schema-file.js';
import { TPCH_SCHEMAS } from './tpch/schemas.js';
import { csvShape, withoutCarriageReturns } from '../values/csv-rows.js';
import type { SqlType } from '../values/types.js';
import { formatCount } from '../util/count.js';



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
  // With the types known, only the header row is read (to check it names the schema's columns).
  const { header, rows, headerStarts } = readCsvSample(path, declared === undefined ? INFER_SAMPLE_ROWS : 0);
  checkUniqueNames(path, header, headerStarts);
  if (declared === undefined) {
    const types = inferColumnTypes(header.length, rows);
    const columns = header.map((columnName, index) => ({ name: columnName, type: types[index] as SqlType }));
    return { name, path, ...layout, columns: columnDefs(columns), schemaSource, inferredFromRows: rows.length };
  }
  checkHeader(path, header, headerStarts, declared);
  return { name, path, ...layout, columns: columnDefs(declared), schemaSource };
}

function columnDefs(columns: readonly SchemaColumn[]): ColumnDef[] {
  return columns.map((column, index) => ({ name: column.name.toLowerCase(), type: column.type, index }));
}

function checkHeader(path: string, header: readonly string[], starts: readonly number[], declared: readonly SchemaColumn[]): void {
  for (let i = 0; i < Math.max(header.length, declared.length); i++) {
    const found = header[i];
    const expected = declared[i];
    if (found === undefined || expected === undefined || found.trim().toLowerCase() !== expected.name.toLowerCase()) {
      const reason = found === undefined
        ? `the header has ${header.length} columns but the schema declares ${declared.length}`
        : expected === undefined
          ? `header column '${found}' is not in the schema (${declared.length} columns)`
          : `header column '${found}' does not match schema column '${expected.name}'`;
      throw new QueryError(path, { line: 1, column: starts[i] ?? starts[starts.length - 1] ?? 1 }, reason);
    }
  }
}

/**
 * readCsvSample reads a CSV file's header row and up to `sampleRows` data rows from its first MiB
 * (cut after the last row that ends in it, quotes respected, CRs outside quotes dropped as in the baseline),
 * and the header fields' columns. It refuses lines that end in a lone '\r', a header whose quote never
 * closes, and a first MiB without a row end.
 */
function readCsvSample(path: string, sampleRows: number): { header: string[]; rows: string[][]; headerStarts: readonly number[] } {
  const buffer = Buffer.alloc(SAMPLE_BYTES);
  const fd = openSync(path, 'r');
  let length: number;
  try {
    length = readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (length === 0) throw new QueryError(path, { line: 1, column: 1 }, 'the CSV file is empty (expected a header row)');
  const wholeFile = length < SAMPLE_BYTES;
  // Without rows to sample only the header row matters: scan just its bytes when its line ends outside quotes.
  const firstBreak = sampleRows === 0 ? buffer.subarray(0, length).indexOf(0x0a) : -1;
  const headerShape = firstBreak >= 0 ? csvShape(buffer.subarray(0, firstBreak + 1), 0x2c) : undefined;
  const headerOnly = headerShape !== undefined && headerShape.rowsEnd === firstBreak + 1;
  const shape = headerOnly ? headerShape : csvShape(buffer.subarray(0, length), 0x2c);
  if (shape.loneReturn !== undefined) {
    throw new QueryError(path, shape.loneReturn, "lines end with a lone carriage return (\\r); Sluice reads LF or CRLF line ends: convert the file first (e.g. tr '\\r' '\\n')");
  }
  // A quote still open at the end of the file makes its row malformed (the query reports it there); only
  // a header that never ends is the sniffer's to refuse.
  if (wholeFile && shape.openQuote !== undefined && shape.rowsEnd === 0) {
    throw new QueryError(path, shape.openQuote, 'this quoted field in the header is not closed before the end of the file');
  }
  if (!wholeFile && shape.rowsEnd === 0) {
    throw new QueryError(path, { line: 1, column: 1 }, `no row ends in the first ${formatCount(SAMPLE_BYTES)} bytes: the header row is longer than that (rows may be at most ${formatCount(MAX_LINE_BYTES)} bytes), or the file is not CSV`);
  }
  const sample = withoutCarriageReturns(buffer.subarray(0, wholeFile && !headerOnly && shape.openQuote === undefined ? length : shape.rowsEnd), 0x2c, true);
  let records: string[][];
  try {
    records = parseCsv(sample, {
      relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: sampleRows + 1, bom: true, record_delimiter: '\n',
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new QueryError(path, { line, column: 1 }, `cannot read the CSV header and sample: ${(error as Error).message}`, { cause: error });
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new QueryError(path, { line: 1, column: 1 }, 'the CSV file has no header row (it holds only blank lines)');
  return { header: header.map((field) => field.trim()), rows, headerStarts: shape.headerStarts };
}

/** checkUniqueNames refuses a header that names one column twice (names compare case-insensitively, as in SQL). */
function checkUniqueNames(path: string, header: readonly string[], starts: readonly number[]): void {
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      throw new QueryError(path, { line: 1, column: starts[index] ?? 1 }, `the header names column '${name}' twice (columns ${first + 1} and ${index + 1}); rename one`);
    }
    seen.set(name.toLowerCase(), index);
  });
}
