// The row fast path: a plain row wholly inside the chunk, read column by column with straight-line code specialised to each column's type.
import { R0, R1, R2, R3, R4, R5, R8, R9 } from '../asm/builder.js';
import type { ColumnDef } from '../sql/plan.js';
import { CTX, REG, type Gen } from './context.js';
import type { Label } from './emitter.js';
import { DAYS_TO_EPOCH, MAX_DIGITS, MONTH_EXTRA_DAYS, emitClearStrings, emitNullValue } from './fields.js';
import { S, STRING_CAP, type ColumnSlot } from './layout.js';
import { emitRow } from './row.js';
import { type MidRowEntry, emitHandOver, emitMidRowEntry, emitRowStartState } from './row-boundary.js';
import { WORD_BYTES, emitWordSkip } from './skip-words.js';
import { isString, precisionOf } from '../values/types.js';

/*
 * A row takes the fast path when the scan is at its first byte (nothing of it consumed) and every
 * field is plain: no quote at a field's start, no control byte (CR, a line break before the last
 * field or at the row's first byte: a blank line, which only the byte scan passes over uncounted),
 * numbers of the form [+-]digits[.digits] within MAX_DIGITS and the column's scale, dates
 * YYYY-MM-DD that are valid (29 February is left to the byte scan, which knows leap years), the
 * right field count, and the whole row before the chunk's end. Then the row is counted, filtered and
 * aggregated exactly as the byte scan would, and the parser words the byte scan keeps are moved
 * to the next row's first byte. Anything else "bails out": nothing has been committed (numeric slots
 * may hold stale values, which the byte scan overwrites before any use; captured strings are cleared),
 * and the byte-at-a-time scan reads the row from its first byte, with every guarantee it has.
 *
 * Consecutive unused fields are skipped as one run that counts delimiters, so a field costs no more
 * than its bytes and its delimiter; an unused text field (spaces at unpredictable places) is skipped
 * on its own, a word at a time (skip-words.ts).
 *
 * Shape for the verifiers: each used field or run starts by reloading the cursor from the state map,
 * so the position is an unknown bounded scalar there and the many exits of the previous one (one per
 * length) meet in one state; a run's delimiter count is masked so that it too is one unknown; every
 * other register a field uses is dead at its end.
 */

/** SEGMENT_BYTES: an unused field is read in segments of this many bytes, each with one bounds check. */
const SEGMENT_BYTES = 64;
/** MAX_CAPTURE is the widest string column the fast path captures (its code is unrolled over the width). */
const MAX_CAPTURE = 256;
/** MAX_PACKET_OFFSET is the Linux verifier's limit on a packet offset (variable part plus window). */
const MAX_PACKET_OFFSET = 0xffff;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;
/** LAST_CONTROL: bytes up to CR (line breaks, CR, tabs) always leave the fast path to the byte scan. */
const LAST_CONTROL = 0x0d;
/** SPACE is content, but below the range test's bound in CSV: the stubs that sort low bytes send it back first (text has a space every few bytes). */
const SPACE = 0x20;
/** Stop bytes below FIRST_PLAIN share one range test; field content is mostly digits and letters above it. */
const FIRST_PLAIN = 0x30;

/** Registers of the fast path; REG.ctx (r6) and REG.state (r7) keep their roles. */
const FAST = {
  /** Pointer to the chunk's first byte. */
  data: R8,
  /** Position in the chunk of the current field's first byte, then of the byte after its terminator. */
  cursor: R9,
  /** Pointer to the current field's first byte (moved past a sign or a decimal point). */
  field: R3,
  /** The byte just loaded; while reading digits, the byte minus '0'. */
  byte: R0,
  /** The number being accumulated. */
  value: R1,
  /** 1 after a leading '-'. */
  negative: R2,
  /** Fields of a run of unused fields already ended by a delimiter. */
  skipped: R2,
  /** Where the field's window ends, then data_end, for the bounds check. */
  windowEnd: R4,
  dataEnd: R5,
} as const;

/** Registers while reading a date (the number registers are free then). */
const DATE = { year: R1, month: R2, day: R4, work: R5, days: R0 } as const;

/** FieldPlan is what the fast path needs to know about one field of the row. */
interface FieldPlan {
  readonly def: ColumnDef;
  /** The field's 0-based index in the row. */
  readonly column: number;
  readonly slot: ColumnSlot | undefined;
  readonly last: boolean;
  /** The byte that ends the field: the delimiter, or the line break after the last field. */
  readonly terminator: number;
  /** Bytes the field's code (or an unused field's first segment) may read from its first byte on; checked once against data_end. */
  readonly window: number;
  /** Content bytes a text (or unused) field may have before its terminator. */
  readonly textBytes: number;
  /** Bytes read past the terminator: 1 for the line break after a .tbl row's trailing delimiter. */
  readonly trailer: number;
  /** For an unused field skipped a word at a time (skip-words.ts): the words its window holds. */
  readonly words: number | undefined;
}

/** FastRow carries the labels of one emission. */
interface FastRow {
  readonly g: Gen;
  readonly bail: Label;
  readonly maxChunk: number;
  readonly csv: boolean;
  /** The .tbl trailing delimiter: the last field ends with the delimiter, then a line break. */
  readonly trailing: boolean;
  readonly delimiter: number;
}

/** planFields describes every field of the row, or returns undefined when some window would pass Linux's packet offset limit. */
function planFields(g: Gen, maxChunk: number): FieldPlan[] | undefined {
  const { plan, layout } = g;
  const { columns, delimiter, trailingDelimiter } = plan.table;
  const fields = columns.map((def, index) => {
    const slot = layout.columns.find((c) => c.column === index);
    const last = index === columns.length - 1;
    const terminator = last && !trailingDelimiter ? NEWLINE : delimiter.charCodeAt(0);
    const trailer = last && trailingDelimiter ? 1 : 0;
    const textBytes = slot?.codec.kind === 'string' ? slot.codec.width : plainBytes(def);
    const firstSegment = slot === undefined ? Math.min(textBytes, SEGMENT_BYTES) : textBytes;
    const words = wordSkipped(def, slot, textBytes, index, last, trailingDelimiter) ? Math.ceil((textBytes + 1) / WORD_BYTES) : undefined;
    const window =
      words !== undefined ? words * WORD_BYTES : trailer + (slot === undefined || slot.codec.kind === 'string' ? firstSegment + 1 : slot.codec.kind === 'date' ? 11 : 3 + MAX_DIGITS);
    return { def, column: index, slot, last, terminator, window, textBytes, trailer, words };
  });
  const capturesFit = fields.every((f) => f.slot?.codec.kind !== 'string' || f.textBytes <= MAX_CAPTURE);
  return capturesFit && fields.every((f) => f.window + maxChunk < MAX_PACKET_OFFSET) ? fields : undefined;
}

/**
 * wordSkipped says whether an unused field is skipped a word at a time: a text column of at least a word
 * (shorter ones cost little in a run), neither a .tbl row's last field (a line break follows its
 * trailing delimiter) nor a row's only field (a line break at its first byte is a blank line).
 */
function wordSkipped(def: ColumnDef, slot: ColumnSlot | undefined, textBytes: number, column: number, last: boolean, trailing: boolean): boolean {
  return slot === undefined && isString(def.type) && textBytes >= WORD_BYTES && !(last && (trailing || column === 0));
}

/** plainBytes is the longest unquoted text of a well-formed value of the column's type. */
function plainBytes(def: ColumnDef): number {
  switch (def.type.kind) {
    case 'integer':
      return 1 + 19;
    case 'decimal':
      return def.type.precision + 2;
    case 'date':
      return 10;
    case 'char':
      return def.type.length;
    case 'varchar':
      return def.type.length ?? STRING_CAP;
  }
}

/**
 * emitFastRow emits the fast path at the top of the scan callback (REG.ctx and REG.state loaded):
 * if the scan is at a row's first byte and the row is plain, it reads, counts, filters and
 * aggregates the whole row and returns from the callback; otherwise it jumps to `slow`, the byte
 * scan. Emits nothing but the jump when the fields' windows do not fit Linux's packet offsets.
 */
export function emitFastRow(g: Gen, slow: Label, maxChunk: number): void {
  const { e, plan } = g;
  const fields = planFields(g, maxChunk);
  if (fields === undefined) {
    e.goto(slow);
    return;
  }
  const bail = e.label('fast_bail');
  const stop = e.label('fast_stop');
  const rowDone = e.label('fast_row_done');
  const row: FastRow = {
    g: { ...g, stop, next: rowDone, eventDone: rowDone },
    bail,
    maxChunk,
    csv: plan.table.format === 'csv',
    trailing: plan.table.trailingDelimiter,
    delimiter: plan.table.delimiter.charCodeAt(0),
  };
  const groups = groupFields(fields);
  const entries = midRowEntries(e, groups);
  const midRow = entries.length > 0 ? e.label('mid_row') : slow;
  e.comment('fast path: at the first byte of a row (no field begun, not in the header), or of a field group inside one');
  e.load('DW', FAST.byte, REG.state, S.col);
  e.jumpImm('JNE', FAST.byte, 0, midRow);
  if (plan.table.header) {
    e.load('DW', FAST.byte, REG.state, S.header);
    e.jumpImm('JNE', FAST.byte, 0, slow);
  }
  e.load('DW', FAST.cursor, REG.state, S.pos);
  e.load('DW', FAST.byte, REG.state, S.base);
  e.aluReg('ADD', FAST.byte, FAST.cursor);
  e.load('DW', FAST.value, REG.state, S.lineStart);
  e.jumpReg('JNE', FAST.byte, FAST.value, slow);
  e.load('DW', FAST.data, REG.ctx, CTX.data);
  const handOvers: { column: number; label: Label }[] = [];
  groups.forEach((group, index) => {
    const first = group[0] as FieldPlan;
    const last = group[group.length - 1] as FieldPlan;
    const end = e.label(`end_${last.def.name}`);
    const entry = entries.find((x) => x.column === first.column);
    if (entry !== undefined) e.bind(entry.label);
    // Past the chunk's end, the first group goes back to the byte scan from the row's first byte; a later one hands over at its own.
    const pastEnd = index === 0 ? bail : e.label(`hand_over_${first.def.name}`);
    if (index > 0) handOvers.push({ column: first.column, label: pastEnd });
    if (first.words !== undefined) {
      emitFieldStart(row, first, index === 0, first.window, pastEnd);
      const skip = { words: first.words, delimiter: row.delimiter, csv: row.csv, endsRow: first.last, field: FAST.field, cursor: FAST.cursor };
      emitWordSkip(e, { ...skip, bail, end });
    } else if (first.slot === undefined) emitSkipRun(row, group, index === 0, end, pastEnd);
    else {
      emitFieldStart(row, first, index === 0, first.window, pastEnd);
      if (first.slot.codec.kind === 'decimal') emitNumber(row, first, first.slot, end);
      else if (first.slot.codec.kind === 'date') emitDate(row, first, first.slot, end);
      else emitCapture(row, first, first.slot, end, index === 0);
    }
    e.bind(end);
    if (!last.last) e.store('DW', REG.state, S.cursor, FAST.cursor);
  });
  emitRowEnd(row, rowDone);
  if (e.isJumpedTo(stop)) {
    e.bind(stop);
    e.movImm(R0, 1);
    e.exit();
  }
  for (const { column, label } of handOvers) {
    e.bind(label);
    emitHandOver(g, column, FAST.cursor, slow);
  }
  if (entries.length > 0) {
    e.bind(midRow);
    emitMidRowEntry(g, entries, FAST.data, FAST.cursor, slow);
  }
  e.bind(bail);
  e.comment('not a plain row: clear what was captured and let the byte scan read it');
  emitClearStrings(g);
}

/**
 * emitFieldStart reloads the cursor (the verifiers see an unknown position, so the previous
 * field's exits meet in one state), points FAST.field at the field and checks `window` bytes.
 */
function emitFieldStart(row: FastRow, field: FieldPlan, first: boolean, window: number, pastEnd: Label): void {
  const { e } = row.g;
  const how = field.slot !== undefined ? field.slot.codec.kind : field.words !== undefined ? 'not used, skipped by words' : 'not used';
  e.comment(`field ${field.def.name} (${how}): ${window}-byte window`);
  if (!first) e.load('DW', FAST.cursor, REG.state, S.cursor);
  e.jumpImm('JGT', FAST.cursor, row.maxChunk, row.bail);
  e.movReg(FAST.field, FAST.data);
  e.aluReg('ADD', FAST.field, FAST.cursor);
  e.movReg(FAST.windowEnd, FAST.field);
  e.aluImm('ADD', FAST.windowEnd, window);
  e.load('DW', FAST.dataEnd, REG.ctx, CTX.dataEnd);
  e.jumpReg('JGT', FAST.windowEnd, FAST.dataEnd, pastEnd);
}

/**
 * emitTerminated: the byte at `at` (in FAST.byte, or FAST.byte + '0' when `digitBiased`) must be the
 * field's terminator (then, for a .tbl row's last field, a line break must follow); moves the
 * cursor past it and jumps to `end`. Anything else bails out.
 */
function emitTerminated(row: FastRow, field: FieldPlan, at: number, end: Label, digitBiased: boolean): void {
  const { e } = row.g;
  e.jumpImm('JNE', FAST.byte, field.terminator - (digitBiased ? ZERO : 0), row.bail);
  let consumed = at + 1;
  if (field.last && row.trailing) {
    e.load('B', FAST.byte, FAST.field, at + 1);
    e.jumpImm('JNE', FAST.byte, NEWLINE, row.bail);
    consumed++;
  }
  e.aluImm('ADD', FAST.cursor, consumed);
  e.goto(end);
}

/**
 * stopBytes lists the bytes at offset `at` of a text field that end it or bail out (besides control
 * bytes). A line break at the row's first byte (`rowStart`) is a blank line, not an empty field: it bails out.
 */
function stopBytes(row: FastRow, field: FieldPlan, at: number, rowStart: boolean): number[] {
  const stops = rowStart && field.terminator === NEWLINE ? [] : [field.terminator];
  if (field.last && !row.trailing) stops.push(row.delimiter);
  if (row.csv && at === 0) stops.push(QUOTE);
  return stops;
}

/**
 * midRowEntries lists the groups after the first where a row begun in an earlier chunk may be taken
 * from (row-boundary.ts): those with no string column before them, whose capture a bail would clear.
 */
function midRowEntries(e: Gen['e'], groups: readonly FieldPlan[][]): MidRowEntry[] {
  const entries: MidRowEntry[] = [];
  let restBytes = groups.flat().reduce((sum, f) => sum + Math.max(f.window, f.textBytes + 1 + f.trailer), 0);
  let stringBefore = false;
  groups.forEach((group, index) => {
    const first = group[0] as FieldPlan;
    if (index > 0 && !stringBefore) entries.push({ column: first.column, label: e.label(`entry_${first.def.name}`), restBytes });
    for (const f of group) {
      restBytes -= Math.max(f.window, f.textBytes + 1 + f.trailer);
      if (f.slot?.codec.kind === 'string') stringBefore = true;
    }
  });
  return entries;
}

/** groupFields splits the row into runs of consecutive unused fields (at most a segment long, unless one field is longer) and single used or word-skipped fields, in order. */
function groupFields(fields: readonly FieldPlan[]): FieldPlan[][] {
  const groups: FieldPlan[][] = [];
  const runBytes = (run: readonly FieldPlan[]) => run.reduce((sum, f) => sum + f.textBytes + 1, 0);
  for (const field of fields) {
    const previous = groups[groups.length - 1];
    const inRun = (f: FieldPlan | undefined): boolean => f !== undefined && f.slot === undefined && f.words === undefined;
    const joins = inRun(field) && previous !== undefined && inRun(previous[0]);
    // A run ends where one more field would pass one segment: the run after it starts at a field, where the byte scan can hand over (row-boundary.ts).
    if (joins && runBytes(previous) + field.textBytes <= SEGMENT_BYTES) previous.push(field);
    else groups.push([field]);
  }
  return groups;
}

/**
 * emitSkipRun skips a run of consecutive unused fields in one pass, counting delimiters in
 * FAST.skipped: per byte a load and one range test (stop bytes below FIRST_PLAIN) or an equality
 * test per stop byte above it; the rare hits are sorted out of line. In CSV a quote anywhere in the
 * run bails out (the byte scan tells a quote opening a field from one inside it). The run is read in segments of SEGMENT_BYTES, each starting with a reloaded
 * cursor and its own bounds check; a run longer than its fields' plain lengths bails out.
 */
function emitSkipRun(row: FastRow, run: readonly FieldPlan[], first: boolean, end: Label, pastEnd: Label): void {
  const { e } = row.g;
  const lastField = run[run.length - 1] as FieldPlan;
  const fields = run.length;
  const total = run.reduce((sum, f) => sum + f.textBytes, 0) + fields - 1;
  // The count starts at 0 as cursor - cursor, masked: the verifiers see a number in [0, mask] on every
  // path, so the byte positions of the run are not explored once per count. A run of one field needs
  // no count: its first delimiter ends it.
  const counted = fields > 1;
  const mask = 2 ** Math.ceil(Math.log2(fields)) - 1;
  if (counted) {
    e.movReg(FAST.skipped, FAST.cursor);
    e.aluReg('SUB', FAST.skipped, FAST.cursor);
    e.aluImm('AND', FAST.skipped, mask);
  }
  for (let from = 0; from < total; from += SEGMENT_BYTES) {
    const limit = Math.min(SEGMENT_BYTES, total - from);
    const more = from + limit < total;
    if (from > 0) e.store('DW', REG.state, S.cursor, FAST.cursor);
    emitFieldStart(row, lastField, first && from === 0, limit + 1 + lastField.trailer, from === 0 ? pastEnd : row.bail);
    const content = Array.from({ length: limit + 1 }, () => e.label('skip_content'));
    const sorts: { at: number; label: Label }[] = [];
    const hits: { at: number; label: Label; delimiter: boolean }[] = [];
    const runEndsRow = lastField.last && !row.trailing;
    const hit = (at: number, delimiter: boolean): Label => {
      // A run of one field that ends the row has no delimiter: one there is a field too many.
      if (delimiter && !counted && runEndsRow) return row.bail;
      const label = e.label(delimiter ? 'skip_delimiter' : 'skip_line_end');
      hits.push({ at, label, delimiter });
      return label;
    };
    // A delimiter that does not end the run falls through to the next byte: the common case takes no jump.
    const emitDelimiter = (at: number): void => {
      if (!counted) return emitTerminated(row, lastField, at, end, false);
      const last = runEndsRow ? row.bail : e.label('run_end');
      e.jumpImm('JEQ', FAST.skipped, fields - 1, last);
      e.aluImm('ADD', FAST.skipped, 1);
      e.aluImm('AND', FAST.skipped, mask);
      e.goto(at === limit ? row.bail : (content[at] as Label));
      if (runEndsRow) return;
      e.bind(last);
      emitTerminated(row, lastField, at, end, false);
    };
    // A line break at the row's first byte is a blank line, which only the byte scan passes over.
    const lineEndsAt = (at: number): boolean => runEndsRow && !(first && from + at === 0);
    const low = [...(row.delimiter < FIRST_PLAIN ? [row.delimiter] : []), ...(row.csv ? [QUOTE] : [])];
    const lowBound = Math.max(LAST_CONTROL, ...low);
    for (let at = 0; at < limit || (at === limit && !more); at++) {
      e.load('B', FAST.byte, FAST.field, at);
      if (row.delimiter >= FIRST_PLAIN) e.jumpImm('JEQ', FAST.byte, row.delimiter, hit(at, true));
      if (low.length === 0) e.jumpImm('JLE', FAST.byte, LAST_CONTROL, lineEndsAt(at) ? hit(at, false) : row.bail);
      else {
        const sort = e.label('skip_low_byte');
        e.jumpImm('JLE', FAST.byte, lowBound, sort);
        sorts.push({ at, label: sort });
      }
      e.bind(content[at] as Label);
      if (at === limit) e.goto(row.bail);
    }
    if (more) e.goto(content[limit] as Label);
    for (const { at, label } of sorts) {
      e.bind(label);
      if (row.delimiter < FIRST_PLAIN && !counted && runEndsRow) e.jumpImm('JEQ', FAST.byte, row.delimiter, row.bail);
      else if (row.delimiter < FIRST_PLAIN) {
        const other = e.label('skip_not_delimiter');
        e.jumpImm('JNE', FAST.byte, row.delimiter, other);
        emitDelimiter(at);
        e.bind(other);
      }
      if (lowBound > SPACE) e.jumpImm('JEQ', FAST.byte, SPACE, content[at] as Label);
      if (lineEndsAt(at)) e.jumpImm('JEQ', FAST.byte, NEWLINE, hit(at, false));
      if (row.csv) e.jumpImm('JEQ', FAST.byte, QUOTE, row.bail);
      e.jumpImm('JLE', FAST.byte, LAST_CONTROL, row.bail);
      e.goto(content[at] as Label);
    }
    for (const { at, label, delimiter } of hits) {
      e.bind(label);
      if (delimiter) {
        emitDelimiter(at);
        continue;
      }
      e.comment('a line break ends the row only after the run\'s last field, which ends the row');
      e.jumpImm('JNE', FAST.byte, NEWLINE, row.bail);
      if (counted) e.jumpImm('JNE', FAST.skipped, fields - 1, row.bail);
      e.aluImm('ADD', FAST.cursor, at + 1);
      e.goto(end);
    }
    if (more) {
      e.bind(content[limit] as Label);
      e.aluImm('ADD', FAST.cursor, limit);
    }
  }
}

/**
 * emitCapture captures a string column's bytes into its slot up to the terminator, and stores the
 * length: per byte a load, one range test (stop bytes below FIRST_PLAIN) or equality tests, and the
 * store; longer than the capture width bails out (the byte scan measures it).
 */
function emitCapture(row: FastRow, field: FieldPlan, slot: ColumnSlot, end: Label, firstField: boolean): void {
  const { e } = row.g;
  const limit = field.textBytes;
  const content = Array.from({ length: limit + 1 }, () => e.label('text_content'));
  const terminated = Array.from({ length: limit + 1 }, () => e.label('text_end'));
  const sorts: { at: number; label: Label }[] = [];
  for (let at = 0; at <= limit; at++) {
    e.load('B', FAST.byte, FAST.field, at);
    const stops = stopBytes(row, field, at, firstField && at === 0);
    for (const stop of stops.filter((b) => b >= FIRST_PLAIN)) e.jumpImm('JEQ', FAST.byte, stop, stop === field.terminator ? (terminated[at] as Label) : row.bail);
    const low = stops.filter((b) => b < FIRST_PLAIN);
    if (low.length === 0) e.jumpImm('JLE', FAST.byte, LAST_CONTROL, row.bail);
    else {
      const sort = e.label('text_low_byte');
      e.jumpImm('JLE', FAST.byte, Math.max(LAST_CONTROL, ...low), sort);
      sorts.push({ at, label: sort });
    }
    e.bind(content[at] as Label);
    if (at === limit) e.goto(row.bail);
    else e.store('B', REG.state, (slot.bytes as number) + at, FAST.byte);
  }
  for (const { at, label } of sorts) {
    e.bind(label);
    const low = stopBytes(row, field, at, firstField && at === 0).filter((b) => b < FIRST_PLAIN);
    for (const stop of low) e.jumpImm('JEQ', FAST.byte, stop, stop === field.terminator ? (terminated[at] as Label) : row.bail);
    if (Math.max(LAST_CONTROL, ...low) > SPACE) e.jumpImm('JEQ', FAST.byte, SPACE, content[at] as Label);
    e.jumpImm('JLE', FAST.byte, LAST_CONTROL, row.bail);
    e.goto(content[at] as Label);
  }
  for (let at = 0; at <= limit; at++) {
    if (!stopBytes(row, field, at, firstField && at === 0).includes(field.terminator)) continue;
    e.bind(terminated[at] as Label);
    e.storeImm('DW', REG.state, slot.offset, at);
    // Empty here means unquoted (a quote at the first byte bails out): NULL.
    if (slot.nullFlag !== undefined) e.storeImm('B', REG.state, slot.nullFlag, at === 0 ? 1 : 0);
    emitTerminated(row, field, at, end, false);
  }
}

/**
 * emitNumber reads [+-]digits[.digits] into FAST.value scaled to the column's scale, with no more
 * integer digits than the column's precision allows (at most MAX_DIGITS after scaling) and no more
 * fraction digits than the scale (anything else bails out, so the byte scan reports it or reads the
 * leading zeros), and stores it in the column's slot. The digits' code is emitted once: a sign (or an
 * empty field) is sorted out before the first digit, and FAST.negative says whether to negate.
 */
function emitNumber(row: FastRow, field: FieldPlan, slot: ColumnSlot, end: Label): void {
  const { e } = row.g;
  const firstDigit = e.label('first_digit');
  e.movImm(FAST.negative, 0);
  e.load('B', FAST.byte, FAST.field, 0);
  e.aluImm('SUB', FAST.byte, ZERO);
  e.jumpImm('JLE', FAST.byte, 9, firstDigit);
  if (mayBeEmpty(field)) {
    const notEmpty = e.label('not_empty');
    e.jumpImm('JNE', FAST.byte, field.terminator - ZERO, notEmpty);
    emitEmptyField(row, field, slot, end, true);
    e.bind(notEmpty);
  }
  e.comment("a leading '-' or '+': the number's digits follow it");
  const minus = e.label('minus');
  e.movImm(FAST.negative, 1);
  e.jumpImm('JEQ', FAST.byte, MINUS - ZERO, minus);
  e.jumpImm('JNE', FAST.byte, PLUS - ZERO, row.bail);
  e.movImm(FAST.negative, 0);
  e.bind(minus);
  e.aluImm('ADD', FAST.field, 1);
  e.aluImm('ADD', FAST.cursor, 1);
  e.load('B', FAST.byte, FAST.field, 0);
  e.aluImm('SUB', FAST.byte, ZERO);
  e.jumpImm('JGT', FAST.byte, 9, row.bail);
  e.bind(firstDigit);
  emitDigitChain(row, field, slot, end);
}

/**
 * emitDigitChain reads digits[.digits] from FAST.field into FAST.value, scaled to the column's
 * scale, and stores it (negated when FAST.negative holds 1). The first digit is in FAST.byte (less '0').
 */
function emitDigitChain(row: FastRow, field: FieldPlan, slot: ColumnSlot, end: Label): void {
  const { e } = row.g;
  if (slot.codec.kind !== 'decimal') return;
  const scale = slot.codec.scale;
  const integerDigits = Math.max(1, Math.min(MAX_DIGITS, precisionOf(slot.type)) - scale);
  const stored = e.label('number_stored');
  const notDigit = Array.from({ length: integerDigits + 1 }, () => e.label('integer_end'));
  e.movReg(FAST.value, FAST.byte);
  for (let at = 1; at <= integerDigits; at++) {
    e.load('B', FAST.byte, FAST.field, at);
    e.aluImm('SUB', FAST.byte, ZERO);
    e.jumpImm('JGT', FAST.byte, 9, notDigit[at] as Label);
    if (at === integerDigits) e.goto(row.bail);
    else {
      e.aluImm('MUL', FAST.value, 10);
      e.aluReg('ADD', FAST.value, FAST.byte);
    }
  }
  const fraction = e.label('fraction');
  for (let at = 1; at <= integerDigits; at++) {
    e.bind(notDigit[at] as Label);
    if (scale > 0) {
      const point = e.label('point');
      e.jumpImm('JEQ', FAST.byte, DOT - ZERO, point);
      emitScale(row, scale);
      emitTerminated(row, field, at, stored, true);
      e.bind(point);
      e.aluImm('ADD', FAST.field, at + 1);
      e.aluImm('ADD', FAST.cursor, at + 1);
      e.goto(fraction);
    } else emitTerminated(row, field, at, stored, true);
  }
  if (scale > 0) {
    e.bind(fraction);
    e.comment(`up to ${scale} fraction digits`);
    const fractionEnd = Array.from({ length: scale + 1 }, () => e.label('fraction_end'));
    for (let at = 0; at <= scale; at++) {
      e.load('B', FAST.byte, FAST.field, at);
      e.aluImm('SUB', FAST.byte, ZERO);
      e.jumpImm('JGT', FAST.byte, 9, fractionEnd[at] as Label);
      if (at === scale) e.goto(row.bail);
      else {
        e.aluImm('MUL', FAST.value, 10);
        e.aluReg('ADD', FAST.value, FAST.byte);
      }
    }
    for (let at = 0; at <= scale; at++) {
      e.bind(fractionEnd[at] as Label);
      emitScale(row, scale - at);
      emitTerminated(row, field, at, stored, true);
    }
  }
  e.bind(stored);
  const positive = e.label('positive');
  e.jumpImm('JEQ', FAST.negative, 0, positive);
  e.neg(FAST.value);
  e.bind(positive);
  e.store('DW', REG.state, slot.offset, FAST.value);
  emitNotNull(row, slot);
  e.goto(end);
}

/**
 * mayBeEmpty says whether the fast path reads an empty field as NULL: everywhere but the only field of
 * a CSV row, where an empty line is a blank line (the byte scan passes over it).
 */
function mayBeEmpty(field: FieldPlan): boolean {
  return !(field.column === 0 && field.terminator === NEWLINE);
}

/**
 * emitEmptyField: the field's first byte (in FAST.byte, less '0' when `digitBiased`) is its terminator,
 * so it is empty and unquoted: NULL (emitNullValue); moves past the terminator and jumps to `end`.
 */
function emitEmptyField(row: FastRow, field: FieldPlan, slot: ColumnSlot, end: Label, digitBiased: boolean): void {
  row.g.e.comment(`field ${field.def.name} is empty: NULL`);
  emitNullValue(row.g, slot);
  emitTerminated(row, field, 0, end, digitBiased);
}

/** emitNotNull writes 0 into a used field's NULL byte (the fast path writes it for every used field of a row). */
function emitNotNull(row: FastRow, slot: ColumnSlot): void {
  if (slot.nullFlag !== undefined) row.g.e.storeImm('B', REG.state, slot.nullFlag, 0);
}

/** emitScale multiplies FAST.value by 10^digits (the fraction digits a number did not write). */
function emitScale(row: FastRow, digits: number): void {
  if (digits > 0) row.g.e.aluImm('MUL', FAST.value, 10 ** digits);
}

/**
 * emitDigits accumulates the digits at [from, from + count) of the field into `into`; a non-digit bails
 * out, or goes to `firstNotDigit` (FAST.byte holding it less '0') at the first byte.
 */
function emitDigits(row: FastRow, into: typeof DATE.year, from: number, count: number, firstNotDigit = row.bail): void {
  const { e } = row.g;
  for (let at = from; at < from + count; at++) {
    e.load('B', FAST.byte, FAST.field, at);
    e.aluImm('SUB', FAST.byte, ZERO);
    e.jumpImm('JGT', FAST.byte, 9, at === from ? firstNotDigit : row.bail);
    if (at === from) e.movReg(into, FAST.byte);
    else {
      e.aluImm('MUL', into, 10);
      e.aluReg('ADD', into, FAST.byte);
    }
  }
}

/**
 * emitDate reads YYYY-MM-DD, checks month and day against the calendar (29 February bails out to
 * the byte scan, which checks leap years) and stores the date as YYYYMMDD and, when some expression
 * reads it as a number, as days since 1970-01-01. Divisions by constants are multiply-and-shift
 * (exact for years 0..9999).
 */
function emitDate(row: FastRow, field: FieldPlan, slot: ColumnSlot, end: Label): void {
  const { e } = row.g;
  const empty = mayBeEmpty(field) ? e.label('date_empty') : row.bail;
  emitDigits(row, DATE.year, 0, 4, empty);
  e.load('B', FAST.byte, FAST.field, 4);
  e.jumpImm('JNE', FAST.byte, MINUS, row.bail);
  emitDigits(row, DATE.month, 5, 2);
  e.load('B', FAST.byte, FAST.field, 7);
  e.jumpImm('JNE', FAST.byte, MINUS, row.bail);
  emitDigits(row, DATE.day, 8, 2);
  e.comment('month 1..12, day 1..days in the month (February counts 28: the 29th bails out to the byte scan, which knows leap years)');
  e.movReg(DATE.work, DATE.month);
  e.aluImm('SUB', DATE.work, 1);
  e.jumpImm('JGT', DATE.work, 11, row.bail);
  e.movReg(DATE.work, DATE.day);
  e.aluImm('SUB', DATE.work, 1);
  e.jumpImm('JGT', DATE.work, 30, row.bail);
  const dayOk = e.label('day_ok');
  e.jumpImm('JLE', DATE.day, 28, dayOk);
  e.movImm(DATE.work, MONTH_EXTRA_DAYS);
  e.movReg(DATE.days, DATE.month);
  e.aluImm('LSH', DATE.days, 1);
  e.aluReg('RSH', DATE.work, DATE.days);
  e.aluImm('AND', DATE.work, 3);
  e.aluImm('ADD', DATE.work, 28);
  e.jumpReg('JGT', DATE.day, DATE.work, row.bail);
  e.bind(dayOk);
  if (slot.packed !== undefined) {
    e.comment('the date as YYYYMMDD, for comparisons with constants');
    e.movReg(DATE.days, DATE.year);
    e.aluImm('MUL', DATE.days, 100);
    e.aluReg('ADD', DATE.days, DATE.month);
    e.aluImm('MUL', DATE.days, 100);
    e.aluReg('ADD', DATE.days, DATE.day);
    e.store('DW', REG.state, slot.packed, DATE.days);
  }
  if (slot.daysNeeded !== false) emitDaysFromCivil(row, slot);
  emitNotNull(row, slot);
  e.load('B', FAST.byte, FAST.field, 10);
  emitTerminated(row, field, 10, end, false);
  if (empty === row.bail) return;
  e.bind(empty);
  e.jumpImm('JNE', FAST.byte, field.terminator - ZERO, row.bail);
  emitEmptyField(row, field, slot, end, true);
}

/** emitDaysFromCivil stores the date in DATE.year, .month, .day as days since 1970-01-01 in the column's slot. */
function emitDaysFromCivil(row: FastRow, slot: ColumnSlot): void {
  const { e } = row.g;
  e.comment('days from civil: a year starting in March, shifted by 400 years so every value stays positive');
  const marchOrLater = e.label('march_or_later');
  e.aluImm('ADD', DATE.year, 400);
  e.jumpImm('JGT', DATE.month, 2, marchOrLater);
  e.aluImm('SUB', DATE.year, 1);
  e.aluImm('ADD', DATE.month, 12);
  e.bind(marchOrLater);
  e.aluImm('SUB', DATE.month, 3);
  e.movReg(DATE.days, DATE.month);
  e.aluImm('MUL', DATE.days, 153);
  e.aluImm('ADD', DATE.days, 2);
  e.aluImm('MUL', DATE.days, 1639);
  e.aluImm('RSH', DATE.days, 13); // (153 * month + 2) / 5
  e.aluReg('ADD', DATE.days, DATE.day);
  e.aluImm('SUB', DATE.days, 1 + DAYS_TO_EPOCH);
  e.movReg(DATE.work, DATE.year);
  e.aluImm('MUL', DATE.work, 365);
  e.aluReg('ADD', DATE.days, DATE.work);
  e.movReg(DATE.work, DATE.year);
  e.aluImm('RSH', DATE.work, 2); // year / 4
  e.aluReg('ADD', DATE.days, DATE.work);
  e.aluImm('MUL', DATE.year, 5243);
  e.movReg(DATE.work, DATE.year);
  e.aluImm('RSH', DATE.work, 19); // year / 100
  e.aluReg('SUB', DATE.days, DATE.work);
  e.aluImm('RSH', DATE.year, 21); // year / 400
  e.aluReg('ADD', DATE.days, DATE.year);
  e.store('DW', REG.state, slot.offset, DATE.days);
}

/**
 * emitRowEnd commits the row as the byte scan's line end would: the position and row start move
 * past the line break, the line and row counts go up, then the row is filtered and aggregated.
 */
function emitRowEnd(row: FastRow, rowDone: Label): void {
  const { g } = row;
  const { e } = g;
  e.comment('a plain row: move past it, count it, filter and aggregate it');
  e.store('DW', REG.state, S.pos, FAST.cursor);
  e.load('DW', FAST.byte, REG.state, S.base);
  e.aluReg('ADD', FAST.byte, FAST.cursor);
  e.store('DW', REG.state, S.lineStart, FAST.byte);
  e.store('DW', REG.state, S.fieldStart, FAST.byte);
  for (const word of [S.line, S.rows]) {
    e.load('DW', FAST.byte, REG.state, word);
    e.aluImm('ADD', FAST.byte, 1);
    e.store('DW', REG.state, word, FAST.byte);
  }
  emitRowStartState(g);
  emitRow(row.g, rowDone);
  e.bind(rowDone);
  emitClearStrings(g);
  e.movImm(R0, 0);
  e.exit();
}
