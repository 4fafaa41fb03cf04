// The compute-node baseline: parse the shipped file with csv-parse and evaluate the plan in exact bigint arithmetic.
import { createReadStream } from 'node:fs';
import { CsvError, parse as parseCsv, type Options as CsvOptions } from 'csv-parse/sync';
import { parseField, fieldColumns } from './parse-field.js';
import { MalformedRowError, QueryError } from '../sql/errors.js';
import { checkedSum, compileCondition, compileValue, type JoinLookup, type OverflowHandler, type RowValues } from './evaluate.js';
import { MAX_LINE_BYTES, type Plan } from '../sql/plan.js';
import { emptyAggregateState, finalizeResult, type AggregateState, type GroupState, type ResultTable } from '../sql/result.js';
import { finalizeRows, scanStopsAtLimit } from '../sql/row-result.js';
import { RowSplitter, type RowRun } from './row-splitter.js';
import type { Value } from '../values/types.js';
import { csvShape, withoutCarriageReturns } from '../values/csv-rows.js';
import { isNullable } from '../sql/nullable.js';

/** BaselineConsumer takes a file's bytes in order (any chunking) and returns the query's result at the end. */
export interface BaselineConsumer {
  write(chunk: Uint8Array): void;
  end(): ResultTable;
}

interface Group extends GroupState {
  readonly aggregates: AggregateState[];
}

type Update = (state: AggregateState, row: RowValues) => void;
type RowBytes = Exclude<RowRun, { overlong: number }>;

/**
 * createBaselineConsumer evaluates `plan` over a stream of file bytes on the compute node: rows are
 * cut with RowSplitter, parsed by csv-parse, decoded to exact values, filtered, grouped and
 * aggregated. Malformed rows stop the run with a MalformedRowError (file:line:col) or, under the
 * 'skip' policy, are counted in `skippedRows`. `file` names the data in errors (default plan.table.path).
 * A join's probe side takes `lookup`, which finds a row's build values (see baseline/join.ts).
 */
export function createBaselineConsumer(plan: Plan, file = plan.table.path, lookup?: JoinLookup): BaselineConsumer {
  const table = plan.table;
  const quotes = table.format === 'csv';
  const columnCount = table.columns.length;
  const delimiterByte = table.delimiter.charCodeAt(0);
  const used = plan.usedColumns.map((index) => table.columns[index] as Plan['table']['columns'][number]);
  let skippedRows = 0;
  let headerPending = table.header;
  const inferredHint = table.schemaSource === 'inferred'
    ? ` (types were inferred from the first ${table.inferredFromRows ?? 0} rows; declare them in ${table.name}.schema)`
    : '';

  const malformed = (line: number, column: number, reason: string): void => {
    if (plan.onError === 'stop') throw new MalformedRowError(file, { line, column }, reason);
    // Each malformed row is reported once (checks stop at a row's first error), so a count is all
    // the skip policy keeps: memory stays flat however many rows are skipped, as in the program.
    skippedRows++;
  };
  const groups = new Map<string, Group>();
  const row: RowValues = new Array<Value>(columnCount).fill(null);

  // csv-parse's per-record `info` doubles its cost, so runs are parsed without it; only when a row
  // must be located for an error is its run parsed again with `info` to find the row's line and text.
  const parseOptions: CsvOptions = {
    delimiter: table.delimiter,
    quote: quotes ? '"' : false,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // Text stays bytes (values/bytes.ts); a BOM is bytes too, as in the pushdown program (it sits in a CSV header, which both skip).
    encoding: 'latin1',
    bom: false,
    record_delimiter: '\n',
    ...(plan.onError === 'skip' && {
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => void malformed(runLine + ((error?.lines as number | undefined) ?? 1) - 1, 1, error?.message ?? 'unreadable row'),
    }),
  };
  const locateOptions: CsvOptions = { ...parseOptions, info: true, ...(plan.onError === 'skip' && { on_skip: () => undefined }) };
  let runLine = 1;
  let located: { run: RowBytes; rows: { line: number; text: string }[] } | undefined;
  let currentRun: RowBytes | undefined;
  let currentRecord = 0;

  /** locate returns the line and (latin1) text of record `index` of `run`. */
  const locate = (run: RowBytes, index: number): { line: number; text: string } => {
    if (located?.run !== run) {
      const records = parseCsv(run.bytes, locateOptions) as unknown as { info: { bytes: number } }[];
      const rows: { line: number; text: string }[] = [];
      let previousEnd = 0;
      let lineCursor = 0;
      let line = run.firstLine;
      for (const { info } of records) {
        const start = rowStart(run.bytes, previousEnd);
        line += countNewlines(run.bytes, lineCursor, start);
        lineCursor = start;
        previousEnd = info.bytes;
        rows.push({ line, text: run.bytes.toString('latin1', start, info.bytes) });
      }
      located = { run, rows };
    }
    return located.rows[index] ?? { line: run.firstLine, text: '' };
  };
  const overflow: OverflowHandler = (what) => {
    const line = currentRun === undefined ? 1 : locate(currentRun, currentRecord).line;
    throw new QueryError(file, { line, column: 1 }, `${what} (the pushdown program computes rows in signed 64 bits and sums in 128)`);
  };
  const filter = plan.filter === undefined ? () => true : compileCondition(plan.filter, overflow, lookup);
  const groupKeys = plan.groupBy.map((column) => compileValue(column, overflow));
  const updates = makeUpdates(plan, overflow);
  const selected = plan.rows?.values.map((value) => compileValue(value, overflow));
  const kept: Value[][] = [];
  // A LIMIT without ORDER BY ends the scan at its last row, as the pushdown program does: later rows are never read.
  const rowLimit = scanStopsAtLimit(plan) ? plan.limit : Infinity;
  let finished = false;

  const consumeRun = (run: RowBytes): void => {
    runLine = run.firstLine;
    currentRun = run;
    let records: string[][];
    try {
      records = parseCsv(run.bytes, parseOptions) as string[][];
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      const open = error.code === 'CSV_QUOTE_NOT_CLOSED' ? csvShape(run.bytes, delimiterByte).openQuote : undefined;
      if (open !== undefined) {
        // Where the quote opened (the row's line, the byte column from the row's start), as the program reports it.
        throw new MalformedRowError(file, { line: run.firstLine + open.line - 1, column: open.column }, 'a quoted field is not closed at the end of the file', { cause: error });
      }
      const lines = (error as CsvError & { lines?: number }).lines ?? 1;
      throw new MalformedRowError(file, { line: run.firstLine + lines - 1, column: 1 }, error.message, { cause: error });
    }
    for (let index = 0; index < records.length && !finished; index++) {
      const record = records[index] as string[];
      currentRecord = index;
      if (headerPending) {
        headerPending = false;
        continue;
      }
      // A .tbl row's fields each end with '|': the record has one more, empty, field, and a row without it is short.
      const complete = !table.trailingDelimiter || (record.length > columnCount && record[columnCount] === '') || record.length > columnCount + 1;
      if (table.trailingDelimiter && record.length === columnCount + 1 && record[columnCount] === '') record.pop();
      if (record.length !== columnCount || !complete) {
        const { line, text } = locate(run, index);
        const { starts, end } = fieldColumns(text, table.delimiter, quotes);
        malformed(line, record.length > columnCount ? (starts[columnCount] ?? end) : end, `expected ${columnCount} fields, found ${record.length}`);
        continue;
      }
      if (!decodeRow(record)) continue;
      if (!filter(row)) continue;
      if (selected !== undefined) {
        kept.push(selected.map((valueOf) => valueOf(row)));
        finished = kept.length >= rowLimit;
        continue;
      }
      let key = '';
      const keys = groupKeys.map((keyOf) => keyOf(row));
      for (const value of keys) key += `${typeof value === 'string' ? 's' : 'n'}${String(value)}\u0000`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { keys, aggregates: plan.aggregates.map(emptyAggregateState) };
        groups.set(key, group);
      }
      for (let i = 0; i < updates.length; i++) (updates[i] as Update)(group.aggregates[i] as AggregateState, row);
    }
  };

  /**
   * quotedField says whether field `index` of the current record was written `""` rather than left empty
   * (csv-parse gives both as ''); only asked for empty fields, so a run is parsed again only if it has one.
   */
  const quotedField = (index: number): boolean => {
    if (!quotes) return false;
    const { text } = locate(currentRun as RowBytes, currentRecord);
    const start = fieldColumns(text, table.delimiter, quotes).starts[index];
    // (charCodeAt(NaN) would read the row's first byte: a field fieldColumns did not find is not quoted.)
    return start !== undefined && text.charCodeAt(start - 1) === 0x22;
  };

  /** decodeRow fills `row` with the used columns' values (NULL for an empty, unquoted field); false (after reporting) if a field is malformed. */
  const decodeRow = (record: readonly string[]): boolean => {
    for (const column of used) {
      const text = record[column.index] as string;
      if (text === '' && !quotedField(column.index)) {
        row[column.index] = null;
        continue;
      }
      const value = parseField(text, column.type);
      if (value !== null && typeof value === 'object') {
        const { line, text } = locate(currentRun as RowBytes, currentRecord);
        const { starts } = fieldColumns(text, table.delimiter, quotes);
        malformed(line, starts[column.index] ?? 1, `column '${column.name}': ${value.error}${inferredHint}`);
        return false;
      }
      row[column.index] = value;
    }
    return true;
  };

  const dropReturns = (run: RowBytes): RowBytes => {
    const bytes = withoutCarriageReturns(run.bytes, delimiterByte, quotes);
    return bytes === run.bytes ? run : { bytes, firstLine: run.firstLine };
  };
  const splitter = new RowSplitter(quotes, delimiterByte);
  return {
    write(chunk) {
      if (finished) return;
      for (const run of splitter.push(chunk)) {
        if (finished) return;
        if ('overlong' in run) malformed(run.overlong, MAX_LINE_BYTES + 1, `line longer than ${MAX_LINE_BYTES} bytes`);
        else consumeRun(dropReturns(run));
      }
    },
    end() {
      const last = finished ? undefined : splitter.finish();
      if (last !== undefined) consumeRun(dropReturns(last));
      if (plan.rows !== undefined) return finalizeRows(plan, kept, skippedRows);
      return finalizeResult(plan, [...groups.values()], skippedRows);
    },
  };
}

/** makeUpdates returns, per aggregate, the function that folds one row into its state. */
function makeUpdates(plan: Plan, overflow: OverflowHandler): Update[] {
  return plan.aggregates.map((aggregate): Update => {
    if (aggregate.arg === undefined || ((aggregate.fn === 'count_star' || aggregate.fn === 'count') && !isNullable(aggregate.arg))) {
      return (state) => void state.count++;
    }
    const arg = compileValue(aggregate.arg, overflow);
    // An argument that is NULL for a row (a CASE without ELSE) leaves the aggregate as it was, as in SQL.
    if (aggregate.fn === 'count' || aggregate.fn === 'count_star') {
      return (state, row) => void (arg(row) !== null && state.count++);
    }
    if (aggregate.fn === 'sum' || aggregate.fn === 'avg') {
      return (state, row) => {
        const value = arg(row);
        if (value === null) return;
        state.value = checkedSum(((state.value ?? 0n) as bigint) + (value as bigint), overflow, `${aggregate.fn.toUpperCase()}`);
        state.count++;
      };
    }
    const keepLeft = aggregate.fn === 'min' ? (a: Value, b: Value) => (a as bigint) <= (b as bigint) : (a: Value, b: Value) => (a as bigint) >= (b as bigint);
    return (state, row) => {
      const value = arg(row);
      if (value === null) return;
      if (state.count === 0n || !keepLeft(state.value, value)) state.value = value;
      state.count++;
    };
  });
}

/** runBaseline streams the plan's table file from disk through a baseline consumer. */
export async function runBaseline(plan: Plan): Promise<ResultTable> {
  const consumer = createBaselineConsumer(plan);
  for await (const chunk of createReadStream(plan.table.path, { highWaterMark: 1 << 20 })) consumer.write(chunk as Buffer);
  return consumer.end();
}

/** rowStart skips the blank lines csv-parse passed over before a record that follows `offset`. */
function rowStart(bytes: Buffer, offset: number): number {
  let i = offset;
  while (i < bytes.length && (bytes[i] === 10 || bytes[i] === 13)) i++;
  return i;
}

function countNewlines(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = bytes.indexOf(10, from); i >= 0 && i < to; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}
