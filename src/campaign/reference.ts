// The campaign's reference evaluator: its own typing, exact BigInt decimals, calendar and CSV reader; no Sluice code.
import type { Case, Column, CompareOp, Expr, Item, Pred } from './case.js';
import { readRecords, type CrRule, type RawRecord } from './csv-reader.js';
import { addMonthsToDays, dateFromText, daysInRange } from './calendar.js';

/** Refusal is why every correct engine must refuse the case; `line` is the data line for row-level reasons. */
export interface Refusal {
  readonly reason: 'query' | 'malformed' | 'overflow' | 'date-range' | 'file';
  readonly line?: number;
  /** The byte column of a malformed row's fault: the bad field's start, the first extra field, or the row's end. */
  readonly column?: number;
  /**
   * The overflow happened inside WHERE. SQL fixes no evaluation order, and Sluice may decide a condition
   * without computing it (an integer compared with 0.5, a conjunct that is always false), so an answer
   * instead of this refusal cannot be judged.
   */
  readonly inCondition?: boolean;
  readonly detail: string;
}

/**
 * Leeway names a documented limit the case touches; an engine may refuse instead of answering then:
 * - big-constant: a constant (or constant arithmetic) outside signed 64 bits;
 * - rescale: a column value that, scaled up to compare or add, leaves signed 64 bits;
 * - overlong-string: a value of a varchar declared without a length longer than the 64 bytes Sluice captures
 *   (a declared length is enforced: a longer value makes its row malformed).
 */
export type Leeway = 'big-constant' | 'rescale' | 'overlong-string';

/** Cell is one result value as canonical text: `n:<decimal>`, `d:<days>`, `s:<json>` or `null`. */
export type Cell = string;

/**
 * Tag names a class of input with a known Sluice bug (being fixed elsewhere, or found by this campaign);
 * the reference notes which ones a case touches so that a run can tell known differences from new ones.
 */
export type Tag =
  | 'literalRange' | 'farDates' | 'loneCr' | 'invalidUtf8' | 'tblShortRows' | 'foldableStrings'
  | 'mixedEndings' | 'midFieldQuote' | 'unterminatedQuote' | 'tblBom' | 'literalHighByte' | 'decidedColumn';

/** Truth is what the reference says: a refusal, an answer (with any leeway), or that the input is outside the rules. */
export type Truth =
  | { readonly kind: 'refuse'; readonly refusal: Refusal }
  | { readonly kind: 'answer'; readonly rows: Cell[][]; readonly skipped: number; readonly leeway: ReadonlySet<Leeway> }
  | { readonly kind: 'unspecified'; readonly why: string };

/** Expected is the truth and the classes of known bugs the case touches. */
export type Expected = Truth & { readonly tags: ReadonlySet<Tag> };

/** Policy holds the decisions the rules leave open, so the campaign can follow what Sluice decides. */
export interface Policy {
  /** What a CR outside quotes is (see CrRule). */
  readonly cr: CrRule;
}

/** DEFAULT_POLICY is what Sluice decided (README, "Text is bytes"): a CR outside quotes is not data. */
export const DEFAULT_POLICY: Policy = { cr: 'drop' };

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const INT128_MIN = -(1n << 127n);
const INT128_MAX = (1n << 127n) - 1n;
const MAX_FIELD_DIGITS = 18;
const UNSIZED_VARCHAR_WIDTH = 64;
const AVG_EXTRA_DIGITS = 4;

type Type =
  | { readonly k: 'num'; readonly scale: number; readonly integer: boolean }
  | { readonly k: 'date' }
  | { readonly k: 'str' }
  | { readonly k: 'interval' };

type Val = bigint | Uint8Array;
/** A row's decoded fields: null where the field is empty and unquoted (SQL NULL). */
type Row = (Val | null | undefined)[];
/** Truth3 is a condition's value in SQL's three-valued logic: null is unknown. */
type Truth3 = boolean | null;
type Condition = (row: Row) => Truth3;

/** Bound is a typed expression: its type, its constant value if it has one, and how to compute it per row (null for NULL). */
interface Bound {
  readonly type: Type;
  readonly column?: number;
  readonly constant?: Val;
  readonly interval?: { readonly amount: bigint; readonly unit: 'day' | 'month' | 'year' };
  /** A computed string (SUBSTRING, CASE): the most bytes it can have. */
  readonly width?: number;
  readonly value: (row: Row) => Val | null;
}

class RefusalError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.detail);
  }
}

function refuse(reason: Refusal['reason'], detail: string, line?: number, column?: number): never {
  throw new RefusalError({ reason, detail, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) });
}

/** pow10 is 10^n as a bigint. */
function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** evaluateCase computes what the case's query must give over its file, following Sluice's documented rules. */
export function evaluateCase(c: Case, policy: Policy = DEFAULT_POLICY): Expected {
  const evaluation = new Evaluation(c, policy);
  try {
    return { ...evaluation.run(), tags: evaluation.tags };
  } catch (error) {
    if (error instanceof RefusalError) return { kind: 'refuse', refusal: error.refusal, tags: evaluation.tags };
    throw error;
  }
}

class Evaluation {
  readonly tags = new Set<Tag>();
  private readonly used = new Set<number>();
  private readonly leeway = new Set<Leeway>();
  private currentLine = 0;

  constructor(
    private readonly c: Case,
    private readonly policy: Policy,
  ) {}

  run(): Truth {
    const { query } = this.c;
    const columns = this.c.columns;
    // Binding: the query alone decides these refusals, before any data is read.
    const groupColumns: number[] = [];
    for (const name of query.groupBy) {
      const index = this.columnIndex(name);
      this.used.add(index);
      if (!groupColumns.includes(index)) groupColumns.push(index);
    }
    const computedKeys = (query.keys ?? []).map((expr) => this.bindValue(expr));
    if (computedKeys.some((key) => key.constant !== undefined)) refuse('query', 'GROUP BY of a constant is not supported');
    const hasAggregate = query.items.some((item) => item.t === 'agg');
    if (!hasAggregate && groupColumns.length === 0 && computedKeys.length === 0) refuse('query', 'the query must aggregate');
    const outputs = query.items.map((item) => this.bindItem(item, groupColumns, computedKeys));
    const filter = query.where === undefined ? undefined : this.bindPred(query.where);
    for (const key of query.orderBy) if (key.position < 1 || key.position > outputs.length) refuse('query', 'ORDER BY position out of range');

    // Scanning.
    const layout = this.c.format === 'csv'
      ? { delimiter: 0x2c, quotes: true, trailingDelimiter: false, dropBom: true }
      : { delimiter: 0x7c, quotes: false, trailingDelimiter: true, dropBom: false };
    const endings = new Set<RawRecord['ending']>();
    const records = readRecords(this.c.data, layout, this.policy.cr, endings);
    this.tagFile(records, endings);
    if (records.some((record) => record.textAfterQuote)) return { kind: 'unspecified', why: 'text after a closing quote' };
    let data = records;
    if (this.c.format === 'csv') {
      const header = records[0];
      if (header === undefined) refuse('file', 'the CSV file is empty');
      if (header.unterminated) return { kind: 'unspecified', why: 'header ends inside quotes' };
      const names = header.fields.map((field) => new TextDecoder().decode(field).trim().toLowerCase());
      if (names.length !== columns.length || names.some((name, i) => name !== columns[i]?.name.toLowerCase())) {
        refuse('file', 'the header does not match the schema');
      }
      data = records.slice(1);
    }
    const groups = new Map<string, { keys: (Val | null)[]; states: State[] }>();
    let skipped = 0;
    const row: Row = new Array<Val | undefined>(columns.length);
    for (const record of data) {
      this.currentLine = record.line;
      const problem = this.decodeRecord(record, row);
      if (problem !== undefined) {
        if (this.c.onError === 'stop') refuse('malformed', problem.why, record.line, problem.column);
        skipped++;
        continue;
      }
      if (filter !== undefined && this.holds(filter, row) !== true) continue;
      const keys = [...groupColumns.map((index) => row[index] as Val | null), ...computedKeys.map((key) => this.computed(key, row))];
      const keyText = keys.map((key) => (key === null ? 'null' : typeof key === 'bigint' ? `n${key}` : `s${Buffer.from(key).toString('hex')}`)).join(',');
      let group = groups.get(keyText);
      if (group === undefined) {
        group = { keys, states: outputs.map(() => ({ count: 0n, value: undefined })) };
        groups.set(keyText, group);
      }
      outputs.forEach((output, i) => output.update(group.states[i] as State, row));
    }
    if (groupColumns.length === 0 && computedKeys.length === 0 && groups.size === 0) {
      groups.set('', { keys: [], states: outputs.map(() => ({ count: 0n, value: undefined })) });
    }
    const rows = [...groups.values()].map((group) =>
      outputs.map((output, i) => output.final(group.states[i] as State, group.keys)),
    );
    const order = [...query.orderBy.map((key) => ({ index: key.position - 1, desc: key.desc })), ...outputs.map((_, index) => ({ index, desc: false }))];
    rows.sort((a, b) => {
      for (const key of order) {
        // NULL sorts last, ascending or descending.
        const x = a[key.index] as Result;
        const y = b[key.index] as Result;
        const compared = compareCells(x, y);
        if (compared !== 0) return key.desc && x.value !== null && y.value !== null ? -compared : compared;
      }
      return 0;
    });
    const limited = query.limit === undefined ? rows : rows.slice(0, query.limit);
    return { kind: 'answer', rows: limited.map((r) => r.map(cellText)), skipped, leeway: this.leeway };
  }

  /** holds evaluates the filter on a row, marking an overflow as one inside a condition. */
  private holds(filter: Condition, row: Row): Truth3 {
    try {
      return filter(row);
    } catch (error) {
      if (error instanceof RefusalError && error.refusal.reason === 'overflow') throw new RefusalError({ ...error.refusal, inCondition: true });
      throw error;
    }
  }

  /**
   * computed evaluates a computed group key on a row. A CASE's WHEN may overflow where Sluice, deciding an
   * AND or OR early, never computes it: as in WHERE, an answer instead of that refusal cannot be judged.
   */
  private computed(key: Bound, row: Row): Val | null {
    try {
      return key.value(row);
    } catch (error) {
      if (error instanceof RefusalError && error.refusal.reason === 'overflow') throw new RefusalError({ ...error.refusal, inCondition: true });
      throw error;
    }
  }

  /** tagFile notes the file-level classes of known bugs the file touches. */
  private tagFile(records: readonly RawRecord[], endings: ReadonlySet<RawRecord['ending']>): void {
    const data = this.c.data;
    if (data.some((byte, i) => byte === 0x0d && data[i + 1] !== 0x0a)) this.tags.add('loneCr');
    if (endings.has('lf') && endings.has('crlf')) this.tags.add('mixedEndings');
    if (records.some((record) => record.quoteInField)) this.tags.add('midFieldQuote');
    if (records.some((record) => record.unterminated)) this.tags.add('unterminatedQuote');
    if (this.c.format === 'tbl' && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) this.tags.add('tblBom');
  }

  private columnIndex(name: string): number {
    const index = this.c.columns.findIndex((column) => column.name.toLowerCase() === name.toLowerCase());
    if (index < 0) refuse('query', `unknown column ${name}`);
    return index;
  }

  /** decodeRecord checks the field count and decodes the used fields into `row`; returns why and where the row is malformed. */
  private decodeRecord(record: RawRecord, row: Row): { why: string; column: number } | undefined {
    if (record.unterminated) return { why: 'a quoted field is not closed', column: 1 };
    const columns = this.c.columns;
    if (record.missingDelimiter) return { why: `the row does not end with '|' (short a field)`, column: record.end };
    if (record.fields.length !== columns.length) {
      if (this.c.format === 'tbl' && record.fields.length < columns.length) this.tags.add('tblShortRows');
      const column = record.fields.length > columns.length ? (record.starts[columns.length] as number) : record.end;
      return { why: `expected ${columns.length} fields, found ${record.fields.length}`, column };
    }
    for (const index of [...this.used].sort((a, b) => a - b)) {
      const column = columns[index] as Column;
      const field = record.fields[index] as Uint8Array;
      // An empty field is NULL in any column, unless it was written "" (then the empty string, or malformed for numbers and dates).
      if (field.length === 0 && record.quoted[index] !== true) {
        row[index] = null;
        continue;
      }
      const value = decodeValue(field, column);
      if (value === undefined) return { why: `column ${column.name} is not a valid ${column.type.kind}`, column: record.starts[index] as number };
      if (value instanceof Uint8Array && value.length > stringWidth(column)) this.leeway.add('overlong-string');
      if (value instanceof Uint8Array && !validUtf8(value)) this.tags.add('invalidUtf8');
      row[index] = value;
    }
    return undefined;
  }

  private bindItem(item: Item, groupColumns: readonly number[], computedKeys: readonly Bound[]): Output {
    if (item.t === 'key') {
      const key = computedKeys[item.index];
      if (key === undefined) refuse('query', `no GROUP BY key #${item.index + 1}`);
      const slot = groupColumns.length + item.index;
      return { update: () => undefined, final: (_, keys) => ({ type: key.type, value: keys[slot] as Val | null }) };
    }
    if (item.t === 'group') {
      const index = this.columnIndex(item.name);
      if (!groupColumns.includes(index)) refuse('query', `column ${item.name} must appear in GROUP BY`);
      this.used.add(index);
      const type = columnType(this.c.columns[index] as Column);
      const slot = groupColumns.indexOf(index);
      return { update: () => undefined, final: (_, keys) => ({ type, value: keys[slot] as Val | null }) };
    }
    if (item.arg === undefined) {
      return { update: (state) => void state.count++, final: (state) => ({ type: INTEGER, value: state.count }) };
    }
    const arg = this.bindValue(item.arg);
    // Every aggregate skips a row where its argument is NULL; COUNT counts the others.
    switch (item.fn) {
      case 'count':
        return { update: (state, row) => void (arg.value(row) !== null && state.count++), final: (state) => ({ type: INTEGER, value: state.count }) };
      case 'sum':
      case 'avg': {
        if (arg.type.k !== 'num') refuse('query', `${item.fn} needs a number`);
        const type = arg.type;
        return {
          update: (state, row) => {
            const value = arg.value(row);
            if (value === null) return;
            const sum = ((state.value as bigint | undefined) ?? 0n) + (value as bigint);
            if (sum < INT128_MIN || sum > INT128_MAX) refuse('overflow', 'sum beyond 128 bits', this.currentLine);
            state.value = sum;
            state.count++;
          },
          final: (state) => {
            if (state.count === 0n) return { type, value: null };
            if (item.fn === 'sum') return { type, value: state.value as bigint };
            const avgType: Type = { k: 'num', scale: type.scale + AVG_EXTRA_DIGITS, integer: false };
            return { type: avgType, value: divideHalfAwayFromZero((state.value as bigint) * pow10(AVG_EXTRA_DIGITS), state.count) };
          },
        };
      }
      case 'min':
      case 'max': {
        if (arg.type.k === 'str' && arg.column === undefined) refuse('query', `${item.fn} of a string constant is not supported`);
        const type = arg.type;
        // Strings order by their bytes; numbers and dates by value.
        const order = (a: bigint | Uint8Array, b: bigint | Uint8Array): number =>
          typeof a === 'bigint' ? (a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0) : byteOrder(a, b as Uint8Array);
        const better = item.fn === 'min' ? (a: bigint | Uint8Array, b: bigint | Uint8Array) => order(a, b) < 0 : (a: bigint | Uint8Array, b: bigint | Uint8Array) => order(a, b) > 0;
        return {
          update: (state, row) => {
            const value = arg.value(row);
            if (value === null) return;
            if (state.count === 0n || better(value, state.value as bigint | Uint8Array)) state.value = value;
            state.count++;
          },
          final: (state) => ({ type, value: state.count === 0n ? null : (state.value as bigint | Uint8Array) }),
        };
      }
    }
  }

  // Expressions.

  private bindValue(expr: Expr): Bound {
    const bound = this.bindOperand(expr);
    if (bound.type.k === 'interval') refuse('query', 'an interval alone is not a value');
    return bound;
  }

  private bindOperand(expr: Expr): Bound {
    switch (expr.t) {
      case 'col': {
        const index = this.columnIndex(expr.name);
        this.used.add(index);
        return { type: columnType(this.c.columns[index] as Column), column: index, value: (row) => row[index] as Val | null };
      }
      case 'num': {
        const point = expr.text.indexOf('.');
        const scale = point < 0 ? 0 : expr.text.length - point - 1;
        const units = BigInt(expr.text.replace('.', ''));
        return this.numberConstant(units, { k: 'num', scale, integer: scale === 0 });
      }
      case 'str': {
        const bytes = new TextEncoder().encode(expr.text);
        if (bytes.some((byte, i) => i % 8 === 7 && byte >= 0x80)) this.tags.add('literalHighByte');
        return { type: { k: 'str' }, constant: bytes, value: () => bytes };
      }
      case 'date': {
        const days = dateFromText(expr.text);
        if (days === undefined) refuse('query', `invalid date ${expr.text}`);
        return dateConstant(days);
      }
      case 'interval': {
        if (!/^\s*[+-]?\d+\s*$/.test(expr.amount)) refuse('query', `invalid interval ${expr.amount}`);
        return { type: { k: 'interval' }, interval: { amount: BigInt(expr.amount.trim()), unit: expr.unit }, value: () => 0n };
      }
      case 'neg': {
        const operand = this.bindValue(expr.operand);
        if (operand.type.k !== 'num') refuse('query', 'cannot negate a non-number');
        return this.arithmetic('-', this.numberConstant(0n, { k: 'num', scale: 0, integer: true }), operand);
      }
      case 'arith':
        return this.bindArith(expr.op, this.bindOperand(expr.left), this.bindOperand(expr.right));
      case 'substr':
        return this.substring(this.bindValue(expr.operand), expr.start, expr.count);
      case 'case':
        return this.bindCase(expr.whens.map(({ when, then }) => ({ when: this.bindPred(when), then: this.bindValue(then) })), expr.otherwise === undefined ? undefined : this.bindValue(expr.otherwise));
    }
  }

  /**
   * substring is SUBSTRING of a string column (README): characters as LIKE's '_' takes them (a byte and up to
   * three continuation bytes), numbered from 1; a start at or below 0 counts the positions before the first.
   */
  private substring(operand: Bound, start: number, count: number | undefined): Bound {
    if (operand.type.k !== 'str' || operand.column === undefined) refuse('query', 'SUBSTRING needs a string column');
    if (count !== undefined && count < 0) refuse('query', 'SUBSTRING with a negative length');
    const skip = Math.max(start, 1) - 1;
    const end = count === undefined ? undefined : Math.max(skip, start + count - 1);
    const source = stringWidth(this.c.columns[operand.column] as Column);
    const width = end === undefined ? source : Math.min(source, (end - skip) * 4);
    return {
      type: { k: 'str' },
      width,
      value: (row) => {
        const value = operand.value(row) as Uint8Array | null;
        if (value === null) return null;
        let from = 0;
        for (let i = 0; i < skip && from < value.length; i++) from = characterEnd(value, from);
        let to = from;
        if (end === undefined) to = value.length;
        else for (let i = skip; i < end && to < value.length; i++) to = characterEnd(value, to);
        return value.subarray(from, to);
      },
    };
  }

  /** bindCase is CASE: the first branch whose WHEN is true (unknown is not), else ELSE, else NULL; its branches of one kind. */
  private bindCase(whens: readonly { when: Condition; then: Bound }[], otherwise: Bound | undefined): Bound {
    const branches = [...whens.map((branch) => branch.then), ...(otherwise === undefined ? [] : [otherwise])];
    if (otherwise === undefined && whens.every((branch) => DECIDED.get(branch.when) === false)) refuse('query', 'this CASE is always NULL (no WHEN can hold and there is no ELSE)');
    const kind = branches[0]?.type.k;
    if (kind !== 'str' || branches.some((branch) => branch.type.k !== kind)) refuse('query', 'the campaign generates CASE of strings only');
    // As Sluice binds it: a WHEN decided false drops out, one that is constant and true ends the CASE as its ELSE;
    // with no WHEN left the CASE is that branch itself (a constant, a column).
    let live = 0;
    let last = otherwise;
    for (const branch of whens) {
      const decided = DECIDED.get(branch.when);
      if (decided === false) continue;
      if (decided === true && CONSTANT.has(branch.when)) {
        last = branch.then;
        break;
      }
      live++;
    }
    if (live === 0 && last !== undefined) return last;
    const width = Math.max(0, ...branches.map((branch) => branchWidth(branch, this.c.columns)));
    return {
      type: { k: 'str' },
      width,
      value: (row) => {
        for (const branch of whens) if (branch.when(row) === true) return branch.then.value(row);
        return otherwise === undefined ? null : otherwise.value(row);
      },
    };
  }

  private numberConstant(units: bigint, type: Type): Bound {
    if (units < INT64_MIN || units > INT64_MAX) {
      this.leeway.add('big-constant');
      this.tags.add('literalRange');
    }
    return { type, constant: units, value: () => units };
  }

  private bindArith(op: '+' | '-' | '*', left: Bound, right: Bound): Bound {
    if (left.type.k === 'interval' || right.type.k === 'interval') {
      const [date, interval] = right.type.k === 'interval' ? [left, right] : [right, left];
      if (op === '*' || interval.interval === undefined || (op === '-' && right.type.k !== 'interval')) {
        refuse('query', 'intervals can only be added to or subtracted from a date constant');
      }
      if (date.type.k !== 'date' || date.constant === undefined) refuse('query', 'interval arithmetic needs a date constant');
      const amount = op === '-' ? -interval.interval.amount : interval.interval.amount;
      if (amount > 100_000n || amount < -100_000n) this.tags.add('farDates');
      const days = date.constant as bigint;
      const moved = interval.interval.unit === 'day'
        ? days + amount
        : addMonthsToDays(days, interval.interval.unit === 'month' ? amount : amount * 12n);
      if (moved === undefined || !daysInRange(moved)) {
        this.tags.add('farDates');
        refuse('date-range', 'date arithmetic leaves years 0000..9999');
      }
      return dateConstant(moved);
    }
    if (left.type.k !== 'num' || right.type.k !== 'num') refuse('query', `cannot apply ${op} to ${left.type.k} and ${right.type.k}`);
    return this.arithmetic(op, left, right);
  }

  /** arithmetic types numeric arithmetic by the SQL decimal rules and computes it exactly, checking 64 bits per row. */
  private arithmetic(op: '+' | '-' | '*', left: Bound, right: Bound): Bound {
    const ls = (left.type as { scale: number }).scale;
    const rs = (right.type as { scale: number }).scale;
    const integer = (left.type as { integer: boolean }).integer && (right.type as { integer: boolean }).integer;
    const scale = op === '*' ? ls + rs : Math.max(ls, rs);
    const type: Type = { k: 'num', scale, integer };
    const lf = op === '*' ? 1n : pow10(scale - ls);
    const rf = op === '*' ? 1n : pow10(scale - rs);
    const compute = (a: bigint, b: bigint): bigint => {
      const x = a * lf;
      const y = b * rf;
      return op === '+' ? x + y : op === '-' ? x - y : x * y;
    };
    if (left.constant !== undefined && right.constant !== undefined) {
      return this.numberConstant(compute(left.constant as bigint, right.constant as bigint), type);
    }
    this.tagScaledConstant(left, lf);
    this.tagScaledConstant(right, rf);
    this.staticRescale(left, lf);
    this.staticRescale(right, rf);
    // "Arithmetic on constants must be exact or refused": a constant beyond 64 bits at the sum's scale may be refused up front.
    for (const [bound, factor] of [[left, lf], [right, rf]] as const) {
      if (typeof bound.constant === 'bigint' && !fits64(bound.constant * factor)) this.leeway.add('big-constant');
    }
    return {
      type,
      value: (row) => {
        // README: a NULL operand makes the result NULL, and an operand after a NULL one is not computed.
        const a = left.value(row) as bigint | null;
        if (a === null) return null;
        const b = right.value(row) as bigint | null;
        if (b === null) return null;
        if (!fits64(a * lf) || !fits64(b * rf)) this.leeway.add('rescale');
        const result = compute(a, b);
        if (!fits64(result)) refuse('overflow', `the result of ${op} does not fit in 64 bits`, this.currentLine);
        return result;
      },
    };
  }

  /** tagScaledConstant notes a constant that leaves signed 64 bits once scaled to the scale it is used at. */
  private tagScaledConstant(bound: Bound, factor: bigint): void {
    if (bound.constant !== undefined && typeof bound.constant === 'bigint' && !fits64(bound.constant * factor)) this.tags.add('literalRange');
  }

  /** staticRescale allows a refusal up front when a non-constant is scaled by more than 10^18 (any non-zero value overflows). */
  private staticRescale(bound: Bound, factor: bigint): void {
    if (bound.constant === undefined && factor > 10n ** 18n) this.leeway.add('rescale');
  }

  /**
   * tagDecided notes a column compared with constants it can never reach (beyond 18 digits at its
   * scale) or never equal (more fraction digits than its scale): Sluice then decides the condition
   * without reading the column, so its malformed values go unreported (finding 007).
   */
  private tagDecided(column: Bound, constants: readonly Bound[], equality: boolean): boolean {
    const unreachable = (constant: Bound): boolean => {
      if (constant.constant === undefined || typeof constant.constant !== 'bigint' || column.type.k !== 'num' || constant.type.k !== 'num') return false;
      const extra = constant.type.scale - column.type.scale;
      const atColumnScale = extra >= 0 ? constant.constant / pow10(extra) : constant.constant * pow10(-extra);
      const beyond = atColumnScale >= 10n ** 18n || atColumnScale <= -(10n ** 18n);
      return beyond || (equality && extra > 0 && constant.constant % pow10(extra) !== 0n);
    };
    const decided = column.constant === undefined && constants.length > 0 && constants.every(unreachable);
    if (decided) this.tags.add('decidedColumn');
    return decided;
  }

  /** tagLongLiteral notes a string constant longer than the column it is compared with (foldable in advance). */
  private tagLongLiteral(column: Bound, text: Uint8Array): boolean {
    const def = column.column === undefined ? undefined : this.c.columns[column.column];
    const width = def === undefined ? column.width : stringWidth(def);
    const longer = width !== undefined && text.length > width;
    if (longer) {
      this.tags.add('foldableStrings');
      this.tags.add('decidedColumn');
    }
    return longer;
  }

  // Conditions.

  private bindPred(pred: Pred): Condition {
    switch (pred.t) {
      case 'cmp':
        return this.compare(pred.op, this.bindValue(pred.left), this.bindValue(pred.right));
      case 'between': {
        const operand = this.bindValue(pred.operand);
        const range = and3(this.compare('>=', operand, this.bindValue(pred.low)), this.compare('<=', operand, this.bindValue(pred.high)));
        return pred.negated ? not3(range) : range;
      }
      case 'in': {
        const test = this.membership(this.bindValue(pred.operand), pred.list);
        return pred.negated ? not3(test) : test;
      }
      case 'like': {
        const test = this.like(this.bindValue(pred.operand), pred.pattern);
        return pred.negated ? not3(test) : test;
      }
      case 'and':
        return and3(this.bindPred(pred.left), this.bindPred(pred.right));
      case 'or': {
        const left = this.bindPred(pred.left);
        const right = this.bindPred(pred.right);
        const or: Condition = (row) => {
          const a = left(row);
          const b = right(row);
          return a === true || b === true ? true : a === null || b === null ? null : false;
        };
        const [x, y] = [DECIDED.get(left), DECIDED.get(right)];
        const constant = (CONSTANT.has(left) && CONSTANT.has(right)) || (CONSTANT.has(left) && x === true) || (CONSTANT.has(right) && y === true);
        if (constant) return decide(or, x === true || y === true, true);
        return x === false && y === false ? decide(or, false) : or;
      }
      case 'not':
        return not3(this.bindPred(pred.operand));
      case 'isnull': {
        const operand = this.bindValue(pred.operand);
        const test: Condition = (row) => (operand.value(row) === null) !== pred.negated;
        return operand.constant === undefined ? test : decide(test, pred.negated, true);
      }
    }
  }

  /** asDate reads a string constant compared with a date as a date. */
  private asDate(bound: Bound, other: Bound): Bound {
    if (other.type.k !== 'date' || bound.type.k !== 'str' || bound.constant === undefined) return bound;
    const days = dateFromText(new TextDecoder().decode(bound.constant as Uint8Array));
    if (days === undefined) refuse('query', 'invalid date string');
    return dateConstant(days);
  }

  private compare(op: CompareOp, leftIn: Bound, rightIn: Bound): Condition {
    const left = this.asDate(leftIn, rightIn);
    const right = this.asDate(rightIn, leftIn);
    // A comparison of constants is decided at compile time, and with it maybe a whole AND or OR (finding 007).
    if (left.constant !== undefined && right.constant !== undefined) this.tags.add('decidedColumn');
    const holds = (order: number): boolean =>
      op === '=' ? order === 0 : op === '<>' ? order !== 0 : op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0;
    if (left.type.k === 'num' && right.type.k === 'num') {
      const scale = Math.max(left.type.scale, right.type.scale);
      const lf = pow10(scale - left.type.scale);
      const rf = pow10(scale - right.type.scale);
      this.tagScaledConstant(left, lf);
      this.tagScaledConstant(right, rf);
      this.staticRescale(left, lf);
      this.staticRescale(right, rf);
      const equality = op === '=' || op === '<>';
      const unreachable = this.tagDecided(left, [right], equality) || this.tagDecided(right, [left], equality);
      // A constant outside signed 64 bits at the comparison's scale is beyond every value of the other side (README).
      const beyond = (constant: Bound, factor: bigint, constantOnLeft: boolean): boolean | undefined => {
        if (typeof constant.constant !== 'bigint' || fits64(constant.constant * factor)) return undefined;
        const order = (constant.constant > 0n ? -1 : 1) * (constantOnLeft ? -1 : 1);
        return holds(order);
      };
      const decided = left.constant === undefined && right.constant !== undefined ? beyond(right, rf, false) : right.constant === undefined && left.constant !== undefined ? beyond(left, lf, true) : undefined;
      return this.decideConstant(left, right, decided ?? (equality && unreachable ? op === '<>' : undefined), (row) => {
        const x = left.value(row) as bigint | null;
        const y = right.value(row) as bigint | null;
        if (x === null || y === null) return null;
        const a = x * lf;
        const b = y * rf;
        if ((left.constant === undefined && !fits64(a)) || (right.constant === undefined && !fits64(b))) this.leeway.add('rescale');
        return holds(a < b ? -1 : a > b ? 1 : 0);
      });
    }
    if (left.type.k === 'date' && right.type.k === 'date') {
      return this.decideConstant(left, right, undefined, (row) => {
        const a = left.value(row) as bigint | null;
        const b = right.value(row) as bigint | null;
        if (a === null || b === null) return null;
        return holds(a < b ? -1 : a > b ? 1 : 0);
      });
    }
    if (left.type.k === 'str' && right.type.k === 'str') {
      if (left.constant === undefined && right.constant === undefined) refuse('query', 'a string comparison needs a constant on one side');
      const test: Condition = (row) => {
        const a = left.value(row) as Uint8Array | null;
        const b = right.value(row) as Uint8Array | null;
        return a === null || b === null ? null : holds(byteOrder(a, b));
      };
      if (left.constant !== undefined && right.constant !== undefined) return decide(test, test([]) === true, true);
      const longer = this.tagLongLiteral(left.constant === undefined ? left : right, (left.constant === undefined ? right.constant : left.constant) as Uint8Array);
      return longer && (op === '=' || op === '<>') ? decide(test, op === '<>') : test;
    }
    return refuse('query', `cannot compare ${left.type.k} with ${right.type.k}`);
  }

  /** decideConstant marks a comparison decided at compile time: of two constants (by its value), else as `decided` says. */
  private decideConstant(left: Bound, right: Bound, decided: boolean | undefined, test: Condition): Condition {
    if (left.constant !== undefined && right.constant !== undefined) return decide(test, test([]) === true, true);
    return decided === undefined ? test : decide(test, decided);
  }

  private membership(operand: Bound, list: readonly Expr[]): Condition {
    const items = list.map((item) => this.asDate(this.bindValue(item), operand));
    // IN over a constant is decided at compile time, and with it maybe a whole AND or OR (finding 007).
    if (operand.constant !== undefined) this.tags.add('decidedColumn');
    for (const item of items) {
      if (item.constant === undefined) refuse('query', 'IN lists hold constants only');
      if (item.type.k !== operand.type.k) refuse('query', `cannot compare ${operand.type.k} with ${item.type.k}`);
    }
    if (operand.type.k === 'str') {
      const test: Condition = (row) => {
        const value = operand.value(row) as Uint8Array | null;
        return value === null ? null : items.some((item) => sameBytes(value, item.constant as Uint8Array));
      };
      if (operand.constant !== undefined) return decide(test, test([]) === true, true);
      const longer = items.map((item) => this.tagLongLiteral(operand, item.constant as Uint8Array));
      return longer.every(Boolean) ? decide(test, false) : test;
    }
    if (operand.type.k === 'date') {
      const test: Condition = (row) => {
        const value = operand.value(row);
        return value === null ? null : items.some((item) => item.constant === value);
      };
      return operand.constant !== undefined ? decide(test, test([]) === true, true) : test;
    }
    const scale = Math.max(...[operand, ...items].map((bound) => (bound.type as { scale: number }).scale));
    const wanted = items.map((item) => (item.constant as bigint) * pow10(scale - (item.type as { scale: number }).scale));
    if (wanted.some((value) => !fits64(value))) this.tags.add('literalRange');
    const factor = pow10(scale - (operand.type as { scale: number }).scale);
    this.staticRescale(operand, factor);
    const unreachable = this.tagDecided(operand, items, true);
    const test: Condition = (row) => {
      const raw = operand.value(row) as bigint | null;
      if (raw === null) return null;
      const value = raw * factor;
      if (operand.constant === undefined && !fits64(value)) this.leeway.add('rescale');
      return wanted.includes(value);
    };
    return operand.constant !== undefined ? decide(test, test([]) === true, true) : unreachable ? decide(test, false) : test;
  }

  private like(operand: Bound, pattern: string): Condition {
    if (operand.type.k !== 'str') refuse('query', 'LIKE needs a string');
    const tokens = likeTokens(pattern);
    if (tokens.length > 64) refuse('query', 'LIKE patterns of more than 64 bytes are not supported');
    // README: '%' alone (or several) matches every string, and a pattern needing more bytes than a char(n) column holds none: decided in advance.
    if (tokens.length > 0 && tokens.every((token) => token === 'any')) {
      this.tags.add('foldableStrings');
      this.tags.add('decidedColumn');
    }
    const test: Condition = (row) => {
      const value = operand.value(row) as Uint8Array | null;
      return value === null ? null : likeHolds(value, tokens);
    };
    if (operand.constant !== undefined) return decide(test, test([]) === true, true);
    const longer = this.tagLongLiteral(operand, new Uint8Array(tokens.filter((token) => token !== 'any').length));
    if (longer) return decide(test, false);
    return tokens.length > 0 && tokens.every((token) => token === 'any') ? decide(test, true) : test;
  }
}

/** characterEnd is where the character at `at` ends: one byte and at most three continuation bytes (0b10xxxxxx) after it. */
function characterEnd(value: Uint8Array, at: number): number {
  let end = at + 1;
  while (end < value.length && end - at < 4 && ((value[end] as number) & 0xc0) === 0x80) end++;
  return end;
}

/** branchWidth is the most bytes a CASE branch yields: a constant's length, a column's width, a computed string's. */
function branchWidth(branch: Bound, columns: readonly Column[]): number {
  if (branch.constant instanceof Uint8Array) return branch.constant.length;
  if (branch.column !== undefined) return stringWidth(columns[branch.column] as Column);
  return branch.width ?? 0;
}

/**
 * DECIDED holds the conditions Sluice decides when it compiles the query (README: comparisons of constants,
 * literals longer than a string can be, numbers a column cannot reach, LIKE '%'): each is its value for every
 * row where its operand is not NULL, and unknown where it is. A CASE whose every WHEN is decided false and that
 * has no ELSE is always NULL, which Sluice refuses.
 */
const DECIDED = new WeakMap<Condition, boolean>();
/** CONSTANT holds the decided conditions that read no column (true or false for every row, never unknown). */
const CONSTANT = new WeakSet<Condition>();

function decide(condition: Condition, value: boolean, constant = false): Condition {
  DECIDED.set(condition, value);
  if (constant) CONSTANT.add(condition);
  return condition;
}

/** and3 is SQL's AND: false if either is false, else unknown if either is unknown. */
function and3(left: Condition, right: Condition): Condition {
  const and: Condition = (row) => {
    const a = left(row);
    const b = right(row);
    return a === false || b === false ? false : a === null || b === null ? null : true;
  };
  const [x, y] = [DECIDED.get(left), DECIDED.get(right)];
  const constant = (CONSTANT.has(left) && CONSTANT.has(right)) || (CONSTANT.has(left) && x === false) || (CONSTANT.has(right) && y === false);
  return x === false || y === false ? decide(and, false, constant) : x === true && y === true ? decide(and, true, constant) : and;
}

/** not3 is SQL's NOT: unknown stays unknown. */
function not3(operand: Condition): Condition {
  const not: Condition = (row) => {
    const value = operand(row);
    return value === null ? null : !value;
  };
  const decided = DECIDED.get(operand);
  return decided === undefined ? not : decide(not, !decided, CONSTANT.has(operand));
}

/** LikeToken is one pattern element: a literal byte, 'one' for '_' (one character) or 'any' for '%' (any bytes). */
type LikeToken = number | 'one' | 'any';

function likeTokens(pattern: string): LikeToken[] {
  return [...new TextEncoder().encode(pattern)].map((byte): LikeToken => (byte === 0x25 ? 'any' : byte === 0x5f ? 'one' : byte));
}

/**
 * likeHolds follows the README: '_' is one character, a byte followed by at most three continuation bytes
 * (0b10xxxxxx), '%' any run of bytes, anything else itself. A table of which (token, byte) pairs can still match.
 */
function likeHolds(value: Uint8Array, tokens: readonly LikeToken[]): boolean {
  // reach[v] is true when the tokens so far can end exactly at byte v.
  let reach = new Array<boolean>(value.length + 1).fill(false);
  reach[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(value.length + 1).fill(false);
    let seen = false;
    for (let v = 0; v <= value.length; v++) {
      if (token === 'any') {
        seen ||= reach[v] === true;
        next[v] = seen;
        continue;
      }
      if (reach[v] !== true || v === value.length) continue;
      if (token === 'one') next[characterEnd(value, v)] = true;
      else if (value[v] === token) next[v + 1] = true;
    }
    reach = next;
  }
  return reach[value.length] === true;
}

interface State {
  count: bigint;
  value: bigint | Uint8Array | undefined;
}

interface Result {
  readonly type: Type;
  readonly value: Val | null;
}

interface Output {
  update(state: State, row: Row): void;
  final(state: State, keys: readonly (Val | null)[]): Result;
}

const INTEGER: Type = { k: 'num', scale: 0, integer: true };

function dateConstant(days: bigint): Bound {
  return { type: { k: 'date' }, constant: days, value: () => days };
}

function columnType(column: Column): Type {
  switch (column.type.kind) {
    case 'integer':
      return INTEGER;
    case 'decimal':
      return { k: 'num', scale: column.type.scale, integer: false };
    case 'date':
      return { k: 'date' };
    case 'char':
    case 'varchar':
      return { k: 'str' };
  }
}

function stringWidth(column: Column): number {
  if (column.type.kind === 'char') return column.type.length;
  if (column.type.kind === 'varchar') return column.type.length ?? UNSIZED_VARCHAR_WIDTH;
  return Infinity;
}

function fits64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** decodeValue reads a field as its column's type: numbers and dates strictly, strings as their bytes, at most their declared length. */
function decodeValue(field: Uint8Array, column: Column): Val | undefined {
  switch (column.type.kind) {
    case 'char':
    case 'varchar':
      return column.type.length !== undefined && field.length > column.type.length ? undefined : field;
    case 'date':
      return dateFromText(asciiText(field));
    case 'integer':
      return numberField(asciiText(field), 0);
    case 'decimal':
      return numberField(asciiText(field), column.type.scale);
  }
}

function asciiText(field: Uint8Array): string {
  return field.every((byte) => byte < 0x80) ? String.fromCharCode(...field) : '\u0000';
}

/** numberField reads `[+-]digits[.digits]` with at most `scale` fraction digits and 18 digits once scaled. */
function numberField(text: string, scale: number): bigint | undefined {
  const match = /^([+-]?)([0-9]+)(?:\.([0-9]*))?$/.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > scale || whole.length + scale > MAX_FIELD_DIGITS) return undefined;
  const units = BigInt(whole + fraction.padEnd(scale, '0'));
  return sign === '-' ? -units : units;
}

function validUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** divideHalfAwayFromZero divides exactly and rounds ties away from zero. */
function divideHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const rounded = (magnitude % denominator) * 2n >= denominator ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

/** compareCells orders results: numbers and dates by value, strings by their bytes, NULL last. */
function compareCells(a: Result, b: Result): number {
  if (a.value === null || b.value === null) return a.value === b.value ? 0 : a.value === null ? 1 : -1;
  if (typeof a.value === 'bigint' && typeof b.value === 'bigint') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  return byteOrder(a.value as Uint8Array, b.value as Uint8Array);
}

/** byteOrder orders two byte strings: the first differing byte decides (unsigned), else the shorter first. */
function byteOrder(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** utf8Length is the length of the well-formed UTF-8 sequence at `at` (Unicode table 3-7), or 0. */
function utf8Length(bytes: Uint8Array, at: number): number {
  const b0 = bytes[at] as number;
  if (b0 < 0x80) return 1;
  const cont = (i: number, low = 0x80, high = 0xbf): boolean => at + i < bytes.length && (bytes[at + i] as number) >= low && (bytes[at + i] as number) <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** textOf shows bytes as Sluice does: well-formed UTF-8 as characters, every other byte as `\xHH`. */
function textOf(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; ) {
    const length = utf8Length(bytes, at);
    if (length === 0) {
      text += `\\x${(bytes[at] as number).toString(16).toUpperCase().padStart(2, '0')}`;
      at++;
    } else {
      text += new TextDecoder().decode(bytes.subarray(at, at + length));
      at += length;
    }
  }
  return text;
}

/** cellText renders a result value canonically (decimals with their scale). */
function cellText(result: Result): Cell {
  const { type, value } = result;
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return stringCell(value);
  if (type.k === 'date') return `d:${value}`;
  return `n:${decimalText(value, type.k === 'num' ? type.scale : 0)}`;
}

/** stringCell renders a string value's bytes as a result cell. */
export function stringCell(bytes: Uint8Array): Cell {
  return `s:${JSON.stringify(textOf(bytes))}`;
}

/** decimalText renders units of 10^-scale with exactly `scale` fraction digits. */
export function decimalText(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}
