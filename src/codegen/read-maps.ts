// Reads a compiled query's maps after the scan: errors become QueryError/MalformedRowError, groups become a ResultTable.
import { MalformedRowError, QueryError } from '../sql/errors.js';
import type { Plan } from '../sql/plan.js';
import { finalizeResult, type AggregateState, type GroupState, type ResultTable } from '../sql/result.js';
import { isString, typeName, type Value } from '../values/types.js';
import { ErrorCode, FatalCode, S, type AggSlot, type Layout } from './layout.js';
import { MAX_DIGITS } from './fields.js';
import { byteString } from '../values/bytes.js';
import { DATE_RANGE_TEXT } from '../values/calendar.js';
import { formatCount } from '../util/count.js';

/** MapReader returns the [key, value] entries of the map named `name` (Runtime maps and kernel maps both fit). */
export type MapReader = (name: string) => Iterable<readonly [Uint8Array, Uint8Array]>;

/** ScanCounters are the program's own counts, for reports. */
export interface ScanCounters {
  readonly rows: bigint;
  readonly skipped: bigint;
}

/** readCounters returns the well-formed and skipped row counts from the state map. */
export function readCounters(read: MapReader): ScanCounters {
  const state = stateView(read);
  return { rows: state.getBigUint64(S.rows, true), skipped: state.getBigUint64(S.skipped, true) };
}

/** decodeMaps turns map contents into the result, or throws the error the program recorded. */
export function decodeMaps(plan: Plan, layout: Layout, read: MapReader, file: string, maxGroups: number): ResultTable {
  const answer = readAnswer(layout, read);
  throwRecordedError(plan, answer, file, maxGroups);
  return finalizeResult(plan, answer.groups, Number(answer.skipped));
}

/**
 * ScanAnswer is what one scan left in its maps, before finalisation: the first fatal condition and
 * the first malformed row (lines as the program counted them), the counters and the groups.
 */
export interface ScanAnswer {
  readonly fatal?: { readonly code: number; readonly line: number };
  readonly error?: { readonly code: number; readonly line: number; readonly column: number; readonly field: number };
  readonly rows: bigint;
  readonly skipped: bigint;
  readonly groups: readonly GroupState[];
}

/** readAnswer reads one scan's maps into a ScanAnswer (without `groups`, for a row selection, which has no group map). */
export function readAnswer(layout: Layout, read: MapReader, groups = true): ScanAnswer {
  const state = stateView(read);
  const word = (offset: number): bigint => state.getBigUint64(offset, true);
  const fatal = Number(word(S.fatal));
  const errCode = Number(word(S.errCode));
  const found: GroupState[] = [];
  for (const [key, value] of groups ? read('aggs') : []) {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    const count = view.getBigUint64(0, true);
    if (count === 0n) continue;
    found.push({ keys: decodeKey(layout, key), aggregates: layout.aggs.map((agg) => aggregateState(agg, view, agg.offset, agg.countOffset === undefined ? count : view.getBigUint64(agg.countOffset, true))) });
  }
  return {
    ...(fatal !== 0 ? { fatal: { code: fatal, line: Number(word(S.fatalLine)) } } : {}),
    ...(errCode !== 0
      ? { error: { code: errCode, line: Number(word(S.errLine)), column: Number(word(S.errCol)), field: Number(word(S.errField)) } }
      : {}),
    rows: word(S.rows),
    skipped: word(S.skipped),
    groups: found,
  };
}

/** shiftLines moves an answer's error and fatal lines by `offset` lines (a cluster node's rows start past the file's first). */
export function shiftLines(answer: ScanAnswer, offset: number): ScanAnswer {
  return {
    ...answer,
    ...(answer.fatal ? { fatal: { ...answer.fatal, line: answer.fatal.line + offset } } : {}),
    ...(answer.error ? { error: { ...answer.error, line: answer.error.line + offset } } : {}),
  };
}

/** answerFails says whether an answer ends the query with an error: a fatal condition, or a malformed row under 'stop'. */
export function answerFails(plan: Plan, answer: ScanAnswer): boolean {
  return answer.fatal !== undefined || (answer.error !== undefined && plan.onError === 'stop');
}

/** throwRecordedError throws the QueryError or MalformedRowError an answer records, if it fails (see answerFails). */
export function throwRecordedError(plan: Plan, answer: ScanAnswer, file: string, maxGroups: number): void {
  if (answer.fatal) throw new QueryError(file, { line: answer.fatal.line, column: 1 }, fatalReason(answer.fatal.code, maxGroups, plan));
  if (answer.error && plan.onError === 'stop') {
    const { code, line, column, field } = answer.error;
    throw new MalformedRowError(file, { line, column }, rowErrorReason(plan, code, field));
  }
}

function stateView(read: MapReader): DataView {
  for (const [, value] of read('state')) return new DataView(value.buffer, value.byteOffset, value.byteLength);
  throw new RangeError('the state map has no entry');
}

function decodeKey(layout: Layout, key: Uint8Array): Value[] {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return layout.key.map((part) => {
    if (key[part.nullAt] !== 0) return null;
    if (part.slot?.codec.kind !== 'string') return view.getBigInt64(part.offset, true);
    const length = Number(view.getBigUint64(part.offset, true));
    return byteString(key.subarray(part.offset + 8, part.offset + 8 + length));
  });
}

function aggregateState(agg: AggSlot, view: DataView, offset: number, count: bigint): AggregateState {
  const fn = agg.spec.fn;
  if (fn === 'count_star' || fn === 'count') return { count, value: null };
  if (fn === 'sum' || fn === 'avg') {
    const low = view.getBigUint64(offset, true);
    const high = view.getBigUint64(offset + 8, true);
    return { count, value: BigInt.asIntN(128, (high << 64n) | low) };
  }
  if (agg.spec.arg !== undefined && isString(agg.spec.arg.type)) {
    // MIN/MAX of a string: a length word, then the bytes (see emitStringExtreme).
    const length = Number(view.getBigUint64(offset, true));
    return { count, value: byteString(new Uint8Array(view.buffer, view.byteOffset + offset + 8, length)) };
  }
  return { count, value: view.getBigInt64(offset, true) };
}

/** fatalReason says in words why a scan stopped (naming the hash set of COUNT(DISTINCT x) when the plan has one). */
export function fatalReason(code: number, maxGroups: number, plan?: Plan): string {
  switch (code) {
    case FatalCode.overflow:
      return 'arithmetic overflow: a value does not fit in 64 bits (the pushdown program computes in signed 64-bit integers)';
    case FatalCode.groupsFull:
      if (plan?.countDistinct !== undefined) {
        const set = plan.groupBy[plan.groupBy.length - 1]?.name ?? '';
        const values = plan.countDistinct.prefix === 0 ? set : `(group, ${set})`;
        return `more than ${formatCount(maxGroups)} distinct ${values} values: COUNT(DISTINCT ${set}) keeps them in the group map, which holds ${formatCount(maxGroups)} (raise the limit with --max-groups)`;
      }
      return `more than ${formatCount(maxGroups)} groups: the group map holds ${formatCount(maxGroups)} (raise the limit with --max-groups)`;
    case FatalCode.chunkTooLarge:
      return 'a chunk was larger than the program was compiled for (maxChunk)';
    case FatalCode.stringTooLong:
      return 'a string value is longer than its column\'s declared width, which the pushdown program needs in full here';
    case FatalCode.dateRange:
      return `a date moved by an interval left the supported range (${DATE_RANGE_TEXT})`;
    case FatalCode.duplicateKey:
      return 'a joined table has more than one row with the same key after its filter';
    case FatalCode.outputFull:
      return 'a chunk ended more rows than the output buffer holds (it holds one per byte of a chunk, so this is a Sluice bug, please report it)';
    case FatalCode.heapSlotMissing:
      return 'a slot of the top-N heap was not found (its map holds every slot, so this is a Sluice bug, please report it)';
    default:
      return `unknown scan failure code ${code}`;
  }
}

function rowErrorReason(plan: Plan, code: number, field: number): string {
  const column = plan.table.columns[field];
  const where = column === undefined ? '' : `column '${column.name}': `;
  const type = column === undefined ? 'value' : typeName(column.type);
  switch (code) {
    case ErrorCode.badNumber:
      return `${where}not a valid ${type}`;
    case ErrorCode.badDate:
      return `${where}not a valid date (YYYY-MM-DD)`;
    case ErrorCode.tooManyDigits:
      return `${where}more than ${MAX_DIGITS} digits`;
    case ErrorCode.tooManyDecimals:
      return `${where}more fractional digits than ${type} allows`;
    case ErrorCode.tooFewFields:
      return `expected ${plan.table.columns.length} fields${plan.table.trailingDelimiter ? `, each followed by '${plan.table.delimiter}'` : ''}, found fewer`;
    case ErrorCode.tooManyFields:
      return `expected ${plan.table.columns.length} fields, found more`;
    case ErrorCode.unterminatedQuote:
      return 'a quoted field is not closed at the end of the file';
    case ErrorCode.lineTooLong:
      return 'line is too long';
    case ErrorCode.stringTooLong:
      return `${where}longer than ${type} allows`;
    default:
      return `malformed row (code ${code})`;
  }
}
