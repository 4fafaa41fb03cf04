// Where every piece of scan state lives: the parser's words, per-column slots, temps, group key and aggregate slots.
import type { AggregateSpec, ColumnDef, Expr, JoinBuild, Plan, Predicate, ValueExpr } from '../sql/plan.js';
import { isFlag } from '../sql/join-plan.js';
import type { SqlType } from '../values/types.js';
import { QueryError } from '../sql/errors.js';
import { forEachCaseCondition, isNullable } from '../sql/nullable.js';
import { MAX_CONTINUATION_BYTES } from '../values/like.js';
import { computedStringValues, stringWidth, walkMask } from './computed-strings.js';
import { formatExpr as describeValue } from '../sql/explain.js';

/**
 * STRING_CAP is the capture width of a varchar column declared without a length. Longer values are
 * still measured; predicates that need their bytes beyond the capture stop the scan (FatalCode).
 * Such a column tested against a longer literal captures that many bytes instead. A declared length
 * (char(n), varchar(n)) is enforced: a longer value makes its row malformed (ErrorCode.stringTooLong),
 * and the plan decides comparisons with longer literals (sql/fold.ts), so n bytes are always enough.
 */
export const STRING_CAP = 64;

/**
 * PARSER_WORDS declares the parser and bookkeeping words at the start of the state map value, in
 * order; each is 8 bytes and S gives its offset.
 */
const PARSER_WORDS = [
  ['started', '0 until the first chunk initialises the state'],
  ['line', "1-based line number of the current row's first line"],
  ['lineStart', "file offset of the current row's first byte"],
  ['base', "file offset of the current chunk's first byte"],
  ['col', '0-based field index within the row'],
  ['kind', 'decoder of the current field: 0 skip, k = k-th used column, EXTRA_KIND after a .tbl trailing delimiter'],
  ['quote', '0 outside quotes, 1 inside, 2 just after a quote inside quotes'],
  ['fieldStart', "file offset of the current field's first byte"],
  ['header', '1 while in a CSV header line'],
  ['rowBad', "ErrorCode of the current row's error, 0 while it is well formed"],
  ['rowErrCol', '1-based column of that error'],
  ['rowErrField', '0-based field index of that error'],
  ['extraCol', "1-based column of the field after a .tbl row's trailing delimiter"],
  ['quotedLines', 'line breaks inside quotes in the current row'],
  ['errCode', "first malformed row's ErrorCode, 0 if none"],
  ['errLine', "first malformed row's line"],
  ['errCol', "first malformed row's 1-based column"],
  ['errField', "first malformed row's 0-based field index"],
  ['skipped', 'malformed rows skipped'],
  ['rows', 'well-formed rows scanned'],
  ['fatal', 'FatalCode of a condition the program cannot answer through, 0 if none'],
  ['fatalLine', 'line of that condition'],
  ['acc', 'digits accumulated so far in the current numeric or date field'],
  ['digits', 'digits seen'],
  ['frac', 'fraction digits (decimals) or dashes (dates) seen'],
  ['dot', '1 after a decimal point'],
  ['sign', "0 none, 1 '+', 2 '-'"],
  ['pos', 'position of the next byte within the current chunk'],
  ['cursor', "the row fast path's position in the chunk, stored at each field's end (see row-fast.ts)"],
  ['crEnd', "file offset just past the last '\\r' skipped outside quotes"],
] as const;

type ParserWord = (typeof PARSER_WORDS)[number][0];

/** S gives the byte offset of each parser word in the state map value. */
export const S = Object.freeze(Object.fromEntries(PARSER_WORDS.map(([name], i) => [name, i * 8]))) as Readonly<Record<ParserWord, number>>;
const PARSER_BYTES = PARSER_WORDS.length * 8;

/** EXTRA_KIND marks the (must be empty) field after a .tbl row's trailing delimiter. */
export const EXTRA_KIND = 255;

/** ErrorCode tells why a row is malformed; the decoder turns it into a MalformedRowError reason. */
export const ErrorCode = {
  badNumber: 1,
  badDate: 2,
  tooFewFields: 4,
  tooManyFields: 5,
  unterminatedQuote: 7,
  tooManyDigits: 8,
  tooManyDecimals: 9,
  lineTooLong: 10,
  stringTooLong: 11,
} as const;

/** FatalCode is a condition after which the program's answer would be wrong, so it stops counting. */
export const FatalCode = {
  overflow: 1,
  groupsFull: 2,
  chunkTooLarge: 3,
  stringTooLong: 4,
  dateRange: 5,
  outputFull: 6,
  heapSlotMissing: 7,
  /** A join's build side has a second row with a key (the key stays at the group key's place). */
  duplicateKey: 8,
} as const;

/** FieldCodec is how one used column's bytes become a value (integers are decimals of scale 0). */
export type FieldCodec =
  | { readonly kind: 'decimal'; readonly scale: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'string'; readonly width: number };

/** ColumnSlot is where a used column's decoded value sits in the state map value. */
export interface ColumnSlot {
  readonly column: number;
  readonly name: string;
  readonly type: SqlType;
  readonly codec: FieldCodec;
  /**
   * Field decoder id stored in S.kind while this column's field is being read: numbers and dates
   * take 1..Layout.digitKinds (so one comparison picks the digit fast path), strings follow.
   */
  readonly kind: number;
  /** Offset of the value (numbers, dates) or of the length word (strings). */
  readonly offset: number;
  /**
   * Strings: offset of the captured bytes: the width rounded up to 8, zero past the value's length (each row
   * clears them); for a column a LIKE pattern (match 'pattern') or a SUBSTRING reads, MAX_CONTINUATION_BYTES
   * more that are never written, rounded up to 8.
   */
  readonly bytes?: number;
  /** Dates: offset of the date as the number YYYYMMDD (ordered as the dates are), which comparisons with constants read. */
  readonly packed?: number;
  /** Dates: false when every use is a comparison with a constant, so the row fast path need not compute days. */
  readonly daysNeeded?: boolean;
  /**
   * A decoded column's NULL byte: both scans write 1 when the row's field is empty and unquoted (and then 0
   * into the value words, so a NULL group key is one key), else 0. Absent for a build value.
   */
  readonly nullFlag?: number;
}

/** AggSlot is where one aggregate's running value sits in a group's value. */
export interface AggSlot {
  readonly spec: AggregateSpec;
  /** Offset of the first word: sum/avg use two words (low, high of a 128-bit sum); min/max one. Count uses none. */
  readonly offset: number;
  /** For an argument that can be NULL: the word counting the rows where it was not (else the group's count serves). */
  readonly countOffset?: number;
}

/**
 * KeyPart is one GROUP BY key's place in the fixed-width group key: a column's slot copied, or a value computed
 * per row (a string one is computed into `slot` and copied from there).
 */
export interface KeyPart {
  readonly slot?: ColumnSlot;
  /** A key the program computes: a number or date (8 bytes), or a string (a length word and its computed slot's width). */
  readonly computed?: ValueExpr;
  readonly offset: number;
  /** Bytes this part occupies: 8 for numbers and dates, 8 (length) + width rounded up to 8 for strings. */
  readonly size: number;
  /** Offset in the key of this part's NULL byte (1 for a NULL key value, whose value bytes are 0), after every part's value. */
  readonly nullAt: number;
}

/** Layout is the complete memory plan of one compiled query. */
export interface Layout {
  /** The probe table's decoded columns (the scanner fills them field by field). */
  readonly columns: readonly ColumnSlot[];
  /** Strings the program computes per row (computed-strings.ts), by expression: kind 0, never decoded. */
  readonly computed: ReadonlyMap<ValueExpr, ColumnSlot>;
  /** A join's build values, by build side: filled from the map value a lookup finds (kind 0: never decoded). */
  readonly lookups: readonly (readonly ColumnSlot[])[];
  /** Offset of the 8-byte word a lookup's key is put in. */
  readonly lookupKey: number;
  /** Kinds 1..digitKinds decode numbers or dates. */
  readonly digitKinds: number;
  readonly fieldCount: number;
  readonly temps: number;
  readonly tempCount: number;
  readonly key: readonly KeyPart[];
  readonly keyOffset: number;
  readonly keySize: number;
  /** Offset of a zeroed group value used to insert new groups. */
  readonly zeroValue: number;
  readonly stateSize: number;
  /** Group value: word 0 counts the group's rows; aggregates follow. */
  readonly aggs: readonly AggSlot[];
  readonly valueSize: number;
}

/** TEMP_COUNT is how many 8-byte expression temporaries the state holds (expression depth limit). */
const TEMP_COUNT = 16;

/** planLayout assigns every used column, temp, key part and aggregate a place. */
export function planLayout(plan: Plan): Layout {
  let at = PARSER_BYTES;
  const patterned = new Set<number>();
  const literals = longestLiterals(plan, patterned);
  const computedValues = computedStringValues(plan);
  for (const value of computedValues) if (value.kind === 'substring') patterned.add(value.operand.column);
  const codecs = plan.usedColumns.map((index) => {
    const def = plan.table.columns[index];
    if (def === undefined) throw new QueryError(plan.table.path, { line: 1, column: 1 }, `column #${index} does not exist`);
    const codec = codecOf(def.type);
    if (codec.kind !== 'string' || declaredLength(def.type) !== undefined) return codec;
    return { kind: 'string' as const, width: Math.max(codec.width, literals.get(index) ?? 0) };
  });
  const digitKinds = codecs.filter((codec) => codec.kind !== 'string').length;
  const asDays = columnsUsedAsDays(plan);
  let nextDigitKind = 1;
  let nextStringKind = digitKinds + 1;
  const nulls = at;
  at += roundUp8(plan.usedColumns.length);
  const columns: ColumnSlot[] = plan.usedColumns.map((index, ordinal) => {
    const def = plan.table.columns[index] as ColumnDef;
    const nullFlag = nulls + ordinal;
    const codec = codecs[ordinal] as FieldCodec;
    const kind = codec.kind === 'string' ? nextStringKind++ : nextDigitKind++;
    const offset = at;
    at += 8;
    if (codec.kind === 'string') {
      const bytes = at;
      // LIKE's '_' and SUBSTRING read up to three bytes past the last one they take: room that is always zero.
      at += roundUp8(codec.width + (patterned.has(index) ? MAX_CONTINUATION_BYTES : 0));
      return { column: index, name: def.name, type: def.type, codec, kind, offset, bytes, nullFlag };
    }
    if (codec.kind === 'date') {
      const packed = at;
      at += 8;
      return { column: index, name: def.name, type: def.type, codec, kind, offset, packed, daysNeeded: asDays.has(index), nullFlag };
    }
    return { column: index, name: def.name, type: def.type, codec, kind, offset, nullFlag };
  });
  const lookups = (plan.join?.builds ?? []).map((build) => {
    // A build value that can be NULL has a NULL byte here, which the lookup copies from the map value's NULL bit.
    const nullable = buildMapLayout(build).slots.map((slot) => slot.nullBit !== undefined);
    const nullBytes = at;
    at += roundUp8(nullable.filter(Boolean).length);
    let nextNull = nullBytes;
    return build.values.map((value, i): ColumnSlot => {
      const codec = codecOf(value.expr.type);
      const offset = at;
      at += 8;
      const nullFlag = nullable[i] === true ? { nullFlag: nextNull++ } : {};
      if (codec.kind !== 'string') return { column: value.column, name: value.name, type: value.expr.type, codec, kind: 0, offset, ...nullFlag };
      const bytes = at;
      at += roundUp8(codec.width + (patterned.has(value.column) ? MAX_CONTINUATION_BYTES : 0));
      return { column: value.column, name: value.name, type: value.expr.type, codec, kind: 0, offset, bytes, ...nullFlag };
    });
  });
  const captureWidth = (column: number): number => {
    const codec = (columns.find((c) => c.column === column) ?? lookups.flat().find((c) => c.column === column))?.codec;
    return codec?.kind === 'string' ? codec.width : 0;
  };
  const computed = new Map<ValueExpr, ColumnSlot>();
  for (const value of computedValues) {
    const width = stringWidth(value, captureWidth);
    const nullFlag = at;
    const offset = at + 8;
    const bytes = offset + 8;
    at = bytes + roundUp8(width + MAX_CONTINUATION_BYTES);
    computed.set(value, { column: -1, name: describeValue(value), type: value.type, codec: { kind: 'string', width }, kind: 0, offset, bytes, nullFlag });
  }
  const lookupKey = at;
  if (plan.join !== undefined) at += 8;
  const temps = at;
  at += TEMP_COUNT * 8;
  const keyOffset = at;
  const key: KeyPart[] = [];
  let keySize = 0;
  // The parts' NULL bytes follow every part's value.
  const valueBytes = plan.groupBy.reduce((sum, expr) => {
    const slot = expr.kind === 'column' ? (columns.find((c) => c.column === expr.column) ?? lookups.flat().find((c) => c.column === expr.column)) : computed.get(expr);
    return sum + (slot?.codec.kind === 'string' ? 8 + roundUp8(slot.codec.width) : 8);
  }, 0);
  for (const expr of plan.groupBy) {
    const nullAt = valueBytes + key.length;
    const text = computed.get(expr);
    if (text !== undefined) {
      const size = 8 + roundUp8(text.codec.kind === 'string' ? text.codec.width : 0);
      key.push({ computed: expr, slot: text, offset: keySize, size, nullAt });
      keySize += size;
      continue;
    }
    if (expr.kind !== 'column') {
      key.push({ computed: expr, offset: keySize, size: 8, nullAt });
      keySize += 8;
      continue;
    }
    const slot = columns.find((c) => c.column === expr.column) ?? lookups.flat().find((c) => c.column === expr.column);
    if (slot === undefined) throw new QueryError(plan.table.path, { line: 1, column: 1 }, `GROUP BY column ${expr.name} is not decoded`);
    const size = slot.codec.kind === 'string' ? 8 + roundUp8(slot.codec.width) : 8;
    key.push({ slot, offset: keySize, size, nullAt });
    keySize += size;
  }
  keySize += roundUp8(key.length);
  at += Math.max(keySize, 8);
  // A build side's program fills map values of the probe's layout; a new hash entry starts from the zeroed value.
  let valueSize = plan.keyed === undefined ? 8 : buildMapLayout(plan.keyed).valueSize;
  const aggs: AggSlot[] = plan.aggregates.map((spec) => {
    const offset = valueSize;
    if (spec.fn === 'sum' || spec.fn === 'avg') valueSize += 16;
    else if (spec.fn === 'min' || spec.fn === 'max') valueSize += 8 + stringExtremeBytes(spec, [...columns, ...lookups.flat()]);
    if (spec.arg === undefined || !isNullable(spec.arg)) return { spec, offset };
    const countOffset = valueSize;
    valueSize += 8;
    return { spec, offset, countOffset };
  });
  const zeroValue = at;
  at += valueSize;
  // SUBSTRING reads its column's bytes at positions masked with walkMask (up to three past them): the state holds them all.
  for (const value of computedValues) {
    if (value.kind !== 'substring') continue;
    const source = columns.find((c) => c.column === value.operand.column) ?? lookups.flat().find((c) => c.column === value.operand.column);
    if (source?.bytes !== undefined && source.codec.kind === 'string') at = Math.max(at, source.bytes + walkMask(source.codec.width) + 1 + MAX_CONTINUATION_BYTES);
  }
  return {
    columns,
    computed,
    lookups,
    lookupKey,
    digitKinds,
    fieldCount: plan.table.columns.length,
    temps,
    tempCount: TEMP_COUNT,
    key,
    keyOffset,
    keySize: Math.max(keySize, 8),
    zeroValue,
    stateSize: at,
    aggs,
    valueSize,
  };
}

/** BuildValueSlot is where one build value sits in a join's map value. */
export interface BuildValueSlot {
  readonly offset: number;
  readonly kind: 'flag' | 'word' | 'string';
  /** Flags: the bit (0..7) of the byte at `offset`. */
  readonly bit?: number;
  /** Strings: bytes after the 8-byte length word. */
  readonly width?: number;
  /** A value that can be NULL: its NULL bit (1 where the build row's value is NULL, and then its bytes are 0). */
  readonly nullBit?: { readonly offset: number; readonly bit: number };
}

/**
 * BuildMapLayout is the value of a build side's map: bit 0 of byte 0 is 1 for a present key (an array
 * map's absent keys read 0), the flags take the next bits (flag i is bit i + 1 of the value, counted
 * from byte 0), then one NULL bit per value that can be NULL (a column, or a condition with a NULL operand),
 * then 8-byte words for numbers and dates, then strings (an 8-byte length and the bytes). A build side
 * whose values are conditions only thus has one byte per key for up to three of them.
 */
export interface BuildMapLayout {
  readonly slots: readonly BuildValueSlot[];
  readonly valueSize: number;
}

/** buildMapLayout lays out the map value of `build`. */
export function buildMapLayout(build: Pick<JoinBuild, 'values'>): BuildMapLayout {
  let bits = 1;
  const nextBit = (): { offset: number; bit: number } => {
    const at = { offset: bits >> 3, bit: bits & 7 };
    bits++;
    return at;
  };
  const flags = build.values.map((value) => (isFlag(value.expr) ? nextBit() : undefined));
  const nulls = build.values.map((value) => (isNullable(value.expr) ? nextBit() : undefined));
  let at = (bits + 7) >> 3;
  const wide = build.values.some((value) => !isFlag(value.expr));
  if (wide) at = roundUp8(at);
  const slots = build.values.map((value, i): BuildValueSlot => {
    const type = value.expr.type;
    const nullBit = nulls[i] === undefined ? {} : { nullBit: nulls[i] };
    const flag = flags[i];
    if (flag !== undefined) return { offset: flag.offset, kind: 'flag', bit: flag.bit, ...nullBit };
    if (type.kind === 'char' || type.kind === 'varchar') {
      const width = roundUp8(type.kind === 'char' ? type.length : type.length ?? STRING_CAP);
      const slot: BuildValueSlot = { offset: at, kind: 'string', width, ...nullBit };
      at += 8 + width;
      return slot;
    }
    const slot: BuildValueSlot = { offset: at, kind: 'word', ...nullBit };
    at += 8;
    return slot;
  });
  return { slots, valueSize: at };
}

/** slotOf finds where a column's value sits: a decoded probe column or a build value a lookup filled. */
export function slotOf(layout: Layout, column: number): ColumnSlot | undefined {
  return layout.columns.find((c) => c.column === column) ?? layout.lookups.flat().find((c) => c.column === column);
}

/** stringExtremeBytes is the room MIN/MAX of a string column keeps after the length word: the column's captured width, rounded up to 8. */
export function stringExtremeBytes(spec: AggregateSpec, columns: readonly ColumnSlot[]): number {
  if (spec.arg?.kind !== 'column') return 0;
  const column = spec.arg.column;
  const codec = columns.find((slot) => slot.column === column)?.codec;
  return codec?.kind === 'string' ? roundUp8(codec.width) : 0;
}

/**
 * longestLiterals maps each string column to the length in bytes of the longest literal a condition (WHERE, or a
 * CASE's WHEN) tests it against, and adds to `patterned` the columns a LIKE of match 'pattern' reads.
 */
function longestLiterals(plan: Plan, patterned: Set<number>): Map<number, number> {
  const longest = new Map<number, number>();
  const note = (operand: ValueExpr, bytes: Uint8Array): void => {
    if (operand.kind === 'column') longest.set(operand.column, Math.max(longest.get(operand.column) ?? 0, bytes.length));
  };
  const visit = (expr: Predicate): void => {
    switch (expr.kind) {
      case 'compare':
        if (expr.right.kind === 'constant' && expr.right.value.kind === 'string') note(expr.left, expr.right.value.bytes);
        return;
      case 'in':
        for (const value of expr.values) if (value.kind === 'string') note(expr.operand, value.bytes);
        return;
      case 'like':
        if (expr.match === 'pattern' && expr.operand.kind === 'column') patterned.add(expr.operand.column);
        return note(expr.operand, expr.bytes);
      case 'and':
      case 'or':
        return expr.operands.forEach(visit);
      case 'not':
        return visit(expr.operand);
      case 'truth':
      case 'lookup':
      case 'isnull':
      case 'unlessnull':
        return;
    }
  };
  if (plan.filter !== undefined) visit(plan.filter);
  for (const aggregate of plan.aggregates) if (aggregate.arg !== undefined) forEachCaseCondition(aggregate.arg, visit);
  plan.keyed?.values.forEach((value) => forEachCaseCondition(value.expr, visit));
  return longest;
}

/** isPackedComparison: a date column compared with a date constant, which the YYYYMMDD number answers. */
export function isPackedComparison(expr: Expr): boolean {
  return expr.kind === 'compare' && expr.left.kind === 'column' && expr.right.kind === 'constant' && expr.right.value.kind === 'date';
}

/** columnsUsedAsDays lists the columns some expression reads as a number: all uses but comparisons of a date with a constant. */
function columnsUsedAsDays(plan: Plan): Set<number> {
  const used = new Set<number>();
  const visit = (expr: Expr): void => {
    switch (expr.kind) {
      case 'column':
        used.add(expr.column);
        return;
      case 'compare':
        if (!isPackedComparison(expr)) visit(expr.left);
        visit(expr.right);
        return;
      case 'arith':
        visit(expr.left);
        visit(expr.right);
        return;
      case 'shift': // months and years read a column's YYYYMMDD form; days add to the days
        if (expr.unit === 'day') visit(expr.operand);
        return;
      case 'rescale':
      case 'in':
      case 'like':
      case 'isnull':
      case 'unlessnull':
        visit(expr.operand);
        return;
      case 'not':
        visit(expr.operand);
        return;
      case 'lookup':
        visit(expr.key);
        return;
      case 'and':
      case 'or':
        expr.operands.forEach(visit);
        return;
      case 'case':
        for (const branch of expr.whens) {
          visit(branch.when);
          visit(branch.then);
        }
        if (expr.otherwise !== undefined) visit(expr.otherwise);
        return;
      case 'extract': // reads the YYYYMMDD form
      case 'substring':
      case 'constant':
      case 'truth':
        return;
    }
  };
  if (plan.filter !== undefined) visit(plan.filter);
  plan.groupBy.forEach(visit);
  for (const aggregate of plan.aggregates) if (aggregate.arg !== undefined) visit(aggregate.arg);
  plan.rows?.values.forEach(visit);
  plan.keyed?.values.forEach((value) => visit(value.expr));
  return used;
}

function codecOf(type: SqlType): FieldCodec {
  switch (type.kind) {
    case 'integer':
      return { kind: 'decimal', scale: 0 };
    case 'decimal':
      return { kind: 'decimal', scale: type.scale };
    case 'date':
      return { kind: 'date' };
    case 'char':
      return { kind: 'string', width: type.length };
    case 'varchar':
      return { kind: 'string', width: type.length ?? STRING_CAP };
  }
}

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/** declaredLength is a string type's declared length in bytes (char(n), varchar(n)), undefined for other types and a bare varchar. */
export function declaredLength(type: SqlType): number | undefined {
  return type.kind === 'char' || type.kind === 'varchar' ? type.length : undefined;
}
