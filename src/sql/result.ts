// Query results: the per-group aggregate states both evaluation paths produce, their finalisation (AVG, projection, ORDER BY, LIMIT) in one shared function, and text/JSON rendering.
import { AVG_EXTRA_SCALE, type Plan } from './plan.js';
import { formatDateDays } from '../values/calendar.js';
import { divideRoundHalfAwayFromZero, formatDecimalUnits, pow10 } from '../values/decimal.js';
import { scaleOf, typeName, type SqlType, type Value } from '../values/types.js';
import { displayText } from '../values/bytes.js';
import { countDistinctGroups } from './distinct.js';
import { DIVISION_NOTE, postDivides } from './post-aggregate.js';
import { evalPost, evalPostPredicate, type GroupValues } from './post-eval.js';

/**
 * AggregateState is the raw accumulator of one aggregate in one group, as the baseline keeps it and
 * as the eBPF decoder reads it from map contents:
 * - count_star / count: `count` is the row count, `value` is null.
 * - sum / avg: `value` is the exact running sum (units of the argument's scale), `count` the rows summed.
 * - min / max: `value` is the extreme seen (null if no row), `count` the rows seen.
 */
export interface AggregateState {
  count: bigint;
  value: Value;
}

/** GroupState is one group: its GROUP BY key values (in plan.groupBy order) and its aggregate states. */
export interface GroupState {
  readonly keys: readonly Value[];
  readonly aggregates: readonly AggregateState[];
}

/** ResultColumn names and types one result column. */
export interface ResultColumn {
  readonly name: string;
  readonly type: SqlType;
}

/**
 * ResultTable is a finished query result: exact values (see Value), rows in their final order.
 * Two evaluation paths agree when their ResultTables are deeply equal.
 */
export interface ResultTable {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly Value[])[];
  /** Malformed rows skipped under the 'skip' policy (0 under 'stop'). */
  readonly skippedRows: number;
  /** How values were derived where a rule applies (AVG rounding), one sentence each. */
  readonly notes: readonly string[];
}

/** AVG_ROUNDING_NOTE states the rule AVG results follow; the CLI shows it with results that have an AVG. */
export const AVG_ROUNDING_NOTE = `AVG is computed exactly as sum/count and rounded half away from zero to ${AVG_EXTRA_SCALE} more fractional digits than its argument`;

/** emptyAggregateState is the state of an aggregate before any row. */
export function emptyAggregateState(): AggregateState {
  return { count: 0n, value: null };
}

/**
 * finalizeResult turns group states into the result table: a query without GROUP BY yields exactly one
 * row even over no input; AVG is divided out; outputs are projected; rows are sorted by ORDER BY, then
 * by all output columns ascending so the order is deterministic; LIMIT cuts last.
 */
export function finalizeResult(plan: Plan, scanned: readonly GroupState[], skippedRows: number): ResultTable {
  const groups = plan.countDistinct === undefined ? scanned : countDistinctGroups(plan.countDistinct.prefix, scanned);
  const states: readonly GroupState[] =
    groups.length === 0 && plan.groupBy.length === 0
      ? [{ keys: [], aggregates: plan.aggregates.map(emptyAggregateState) }]
      : groups;
  const groupValues = states.map((group): GroupValues => ({ keys: group.keys, aggregates: plan.aggregates.map((_, index) => finalAggregateValue(plan, index, group.aggregates[index])) }));
  const having = plan.having;
  const kept = having === undefined ? groupValues : groupValues.filter((values) => evalPostPredicate(having, values, plan.queryFile) === true);
  // Sort keys that are not outputs ride along after the outputs, and are cut off after sorting.
  const hidden = plan.orderBy.flatMap((key) => ('expr' in key ? [key.expr] : []));
  const rows = kept.map((values) => {
    const shown = plan.outputs.map((output) => {
      switch (output.source.kind) {
        case 'group':
          return values.keys[output.source.index] ?? null;
        case 'aggregate':
          return values.aggregates[output.source.index] ?? null;
        case 'expr':
          return evalPost(output.source.expr, values, plan.queryFile);
        case 'row':
          throw new RangeError('a row selection has no groups: finalizeRows gives its result');
      }
    });
    return [...shown, ...hidden.map((expr) => evalPost(expr, values, plan.queryFile))];
  });
  let nextHidden = plan.outputs.length;
  const ordering = [
    ...plan.orderBy.map((key) => ({ output: 'expr' in key ? nextHidden++ : key.output, desc: key.desc })),
    ...plan.outputs.map((_, output) => ({ output, desc: false })),
  ];
  rows.sort((a, b) => {
    for (const key of ordering) {
      const order = sortOrder(a[key.output] ?? null, b[key.output] ?? null, key.desc);
      if (order !== 0) return order;
    }
    return 0;
  });
  const limited = (plan.limit === undefined ? rows : rows.slice(0, plan.limit)).map((row) => (hidden.length === 0 ? row : row.slice(0, plan.outputs.length)));
  return {
    columns: plan.outputs.map((output) => ({ name: output.name, type: output.type })),
    rows: limited,
    skippedRows,
    notes: resultNotes(plan),
  };
}

/** resultNotes are the rounding rules that apply to a plan's results (AVG, division), one sentence each. */
export function resultNotes(plan: Plan): string[] {
  const notes: string[] = [];
  if (plan.aggregates.some((aggregate) => aggregate.fn === 'avg')) notes.push(AVG_ROUNDING_NOTE);
  const divides = plan.outputs.some((output) => output.source.kind === 'expr' && postDivides(output.source.expr));
  const sortDivides = plan.orderBy.some((key) => 'expr' in key && postDivides(key.expr));
  if (divides || sortDivides || (plan.having !== undefined && postDivides(plan.having))) notes.push(DIVISION_NOTE);
  return notes;
}

function finalAggregateValue(plan: Plan, index: number, state: AggregateState | undefined): Value {
  const spec = plan.aggregates[index];
  if (spec === undefined || state === undefined) throw new RangeError(`aggregate ${index} has no state`);
  switch (spec.fn) {
    case 'count_star':
    case 'count':
      return state.count;
    case 'sum':
    case 'min':
    case 'max':
      return state.count === 0n ? null : state.value;
    case 'avg':
      if (state.count === 0n || typeof state.value !== 'bigint') return null;
      return divideRoundHalfAwayFromZero(state.value * pow10(AVG_EXTRA_SCALE), state.count);
  }
}

/**
 * compareValues orders two values of one type: numbers and dates numerically, strings by their bytes
 * (byte strings, see values/bytes.ts), NULL after everything.
 */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** sortOrder is compareValues for one ORDER BY key: `desc` reverses the values, and NULL sorts last either way (as DuckDB does). */
export function sortOrder(a: Value, b: Value, desc: boolean): number {
  const order = compareValues(a, b);
  return desc && a !== null && b !== null ? -order : order;
}

/**
 * formatValue renders one value as text: decimals with their scale, dates as YYYY-MM-DD, strings as
 * UTF-8 with any byte that is not valid UTF-8 as `\xHH`, NULL as `NULL`.
 */
export function formatValue(value: Value, type: SqlType): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return displayText(value);
  if (type.kind === 'date') return formatDateDays(Number(value));
  return formatDecimalUnits(value, scaleOf(type));
}

/** formatResultText renders a result as an aligned text table (numbers right-aligned) plus notes. */
export function formatResultText(result: ResultTable): string {
  const header = result.columns.map((column) => column.name);
  const cells = result.rows.map((row) => row.map((value, i) => formatValue(value, columnType(result, i))));
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map((row) => (row[i] ?? '').length)));
  const rightAligned = result.columns.map((column) => column.type.kind === 'integer' || column.type.kind === 'decimal');
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join(' | ')
      .trimEnd();
  const lines = [line(header), widths.map((width) => '-'.repeat(width)).join('-+-'), ...cells.map(line)];
  lines.push(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
  if (result.skippedRows > 0) lines.push(`${result.skippedRows} malformed row(s) skipped`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/**
 * formatResultJson renders a result as JSON that any JSON parser reads without losing a digit: every
 * value is a JSON string holding its text as formatValue writes it (integers and decimals exactly, with
 * the scale, e.g. "123.40"; dates "YYYY-MM-DD"; text with `\xHH` for bytes that are not UTF-8), NULL is
 * null, and `columns` gives each column's SQL type beside its name, saying how to read the strings.
 */
export function formatResultJson(result: ResultTable): string {
  const columns = result.columns.map((column) => `{"name":${JSON.stringify(column.name)},"type":${JSON.stringify(typeName(column.type))}}`);
  const rows = result.rows.map((row) => `[${row.map((value, i) => jsonValue(value, columnType(result, i))).join(',')}]`);
  return `{"columns":[${columns.join(',')}],"rows":[${rows.join(',')}],"skippedRows":${result.skippedRows},"notes":${JSON.stringify(result.notes)}}\n`;
}

function jsonValue(value: Value, type: SqlType): string {
  return value === null ? 'null' : JSON.stringify(formatValue(value, type));
}

function columnType(result: ResultTable, index: number): SqlType {
  const column = result.columns[index];
  if (column === undefined) throw new RangeError(`row has more values than the result has columns`);
  return column.type;
}
