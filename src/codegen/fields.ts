// Per-column field decoders: what each byte of a used field does, and how a finished field becomes a value.
import { R0, R1, R2, R3, R4, R5, type Reg } from '../asm/builder.js';
import type { Label } from './emitter.js';
import { REG, emitFileOffset, type Gen } from './context.js';
import { ErrorCode, S, declaredLength, type ColumnSlot } from './layout.js';

/** MAX_DIGITS is the most digits a number may have (after scaling) so that it fits a signed 64-bit word. */
export const MAX_DIGITS = 18;

/** DAYS_TO_EPOCH is days from 0000-03-01 to 1970-01-01 plus the 400 years (146,097 days) the date code shifts by. */
export const DAYS_TO_EPOCH = 719468 + 146097;

/**
 * MONTH_EXTRA_DAYS packs (days in month - 28) for months 1..12 into 2-bit fields at bit 2*month;
 * February's leap day is added separately.
 */
export const MONTH_EXTRA_DAYS = [3, 0, 3, 2, 3, 2, 3, 3, 2, 3, 2, 3].reduce((bits, extra, i) => bits | (extra << (2 * (i + 1))), 0);

/**
 * emitRowError marks the current row malformed with `code` and the 1-based column `at` names (the
 * field's start, the current byte, or column 1), unless the row already has an error and
 * `overwrite` is false; then skips the rest of the field. Field-count errors overwrite value errors,
 * as the baseline reports them first. The row is counted or stops the scan at its end. Clobbers r0, r1.
 */
export function emitRowError(g: Gen, code: number, at: 'field' | 'here' | 'first', overwrite = false): void {
  const { e } = g;
  const skip = e.label('row_already_bad');
  if (!overwrite) {
    e.load('DW', R0, REG.state, S.rowBad);
    e.jumpImm('JNE', R0, 0, skip);
  }
  e.storeImm('DW', REG.state, S.rowBad, code);
  if (at === 'first') e.movImm(R0, 1);
  else {
    if (at === 'field') e.load('DW', R0, REG.state, S.fieldStart);
    else emitFileOffset(g, R0, 0);
    e.load('DW', R1, REG.state, S.lineStart);
    e.aluReg('SUB', R0, R1);
    e.aluImm('ADD', R0, 1);
  }
  e.store('DW', REG.state, S.rowErrCol, R0);
  e.load('DW', R0, REG.state, S.col);
  e.store('DW', REG.state, S.rowErrField, R0);
  e.bind(skip);
  e.storeImm('DW', REG.state, S.kind, 0);
}

/** emitFieldReset clears the numeric accumulators before a used field starts. */
export function emitFieldReset(g: Gen): void {
  for (const word of [S.acc, S.digits, S.frac, S.dot, S.sign]) g.e.storeImm('DW', REG.state, word, 0);
}

/** emitFirstField selects column 0's decoder (known at compile time) and clears the accumulators. */
export function emitFirstField(g: Gen): void {
  const first = g.layout.columns.find((slot) => slot.column === 0);
  g.e.storeImm('DW', REG.state, S.kind, first?.kind ?? 0);
  if (first !== undefined) emitFieldReset(g);
}

/** emitClearStrings empties every captured string (length and bytes): a row's strings start empty and zero-padded. */
export function emitClearStrings(g: Gen): void {
  for (const slot of g.layout.columns) {
    if (slot.codec.kind !== 'string') continue;
    g.e.storeImm('DW', REG.state, slot.offset, 0);
    for (let at = 0; at < slot.codec.width; at += 8) g.e.storeImm('DW', REG.state, (slot.bytes as number) + at, 0);
  }
}

/** emitByteHandler emits the code run for each content byte (in r8) of a used column's field. */
export function emitByteHandler(g: Gen, slot: ColumnSlot): void {
  const { e } = g;
  e.comment(`field ${slot.name}: byte`);
  if (slot.codec.kind === 'string') {
    const counted = e.label('beyond_capture');
    e.load('DW', R1, REG.state, slot.offset);
    e.jumpImm('JGE', R1, slot.codec.width, counted);
    e.movReg(R2, REG.state);
    e.aluReg('ADD', R2, R1);
    e.store('B', R2, slot.bytes as number, REG.byte);
    e.bind(counted);
    e.aluImm('ADD', R1, 1);
    e.store('DW', REG.state, slot.offset, R1);
    e.goto(g.next);
    return;
  }
  const notDigit = e.label('not_digit');
  const bad = e.label('bad_byte');
  e.movReg(R1, REG.byte);
  e.aluImm('SUB', R1, 0x30);
  e.jumpImm('JGT', R1, 9, notDigit);
  e.load('DW', R0, REG.state, S.acc);
  e.aluImm('MUL', R0, 10);
  e.aluReg('ADD', R0, R1);
  e.store('DW', REG.state, S.acc, R0);
  e.load('DW', R0, REG.state, S.digits);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.digits, R0);
  if (slot.codec.kind === 'decimal') {
    e.load('DW', R0, REG.state, S.frac);
    e.load('DW', R1, REG.state, S.dot);
    e.aluReg('ADD', R0, R1);
    e.store('DW', REG.state, S.frac, R0);
  }
  e.goto(g.next);
  e.bind(notDigit);
  if (slot.codec.kind === 'date') {
    emitDateDash(g, bad);
  } else {
    const notDot = e.label('not_dot');
    e.jumpImm('JNE', REG.byte, 0x2e, notDot);
    e.load('DW', R0, REG.state, S.dot);
    e.jumpImm('JNE', R0, 0, bad);
    e.load('DW', R0, REG.state, S.digits);
    e.jumpImm('JEQ', R0, 0, bad);
    e.storeImm('DW', REG.state, S.dot, 1);
    e.goto(g.next);
    e.bind(notDot);
    emitSign(g, bad);
  }
  e.bind(bad);
  emitRowError(g, slot.codec.kind === 'date' ? ErrorCode.badDate : ErrorCode.badNumber, 'field');
  e.goto(g.next);
}

/**
 * emitQuotesKept handles text after a closing quote the way the baseline's CSV reader does: the
 * field becomes its raw text, both quotes included. A string field gets '"' before and after its
 * captured bytes; a number or date is malformed. The caller then treats the current byte as content.
 */
export function emitQuotesKept(g: Gen, slot: ColumnSlot): void {
  const { e } = g;
  if (slot.codec.kind !== 'string') {
    emitRowError(g, slot.codec.kind === 'date' ? ErrorCode.badDate : ErrorCode.badNumber, 'field');
    return;
  }
  const bytes = slot.bytes as number;
  const full = e.label('no_room_for_quote');
  e.comment(`field ${slot.name}: keep the quotes`);
  for (let at = slot.codec.width - 1; at > 0; at--) {
    e.load('B', R0, REG.state, bytes + at - 1);
    e.store('B', REG.state, bytes + at, R0);
  }
  e.storeImm('B', REG.state, bytes, 0x22);
  e.load('DW', R1, REG.state, slot.offset);
  e.aluImm('ADD', R1, 1);
  e.jumpImm('JGE', R1, slot.codec.width, full);
  e.movReg(R2, REG.state);
  e.aluReg('ADD', R2, R1);
  e.storeImm('B', R2, bytes, 0x22);
  e.bind(full);
  e.aluImm('ADD', R1, 1);
  e.store('DW', REG.state, slot.offset, R1);
}

/** emitSign accepts one leading '+' or '-' (before any digit or point); anything else goes to `bad`. */
function emitSign(g: Gen, bad: Label): void {
  const { e } = g;
  const minus = e.label('minus');
  e.movImm(R1, 2);
  e.jumpImm('JEQ', REG.byte, 0x2d, minus);
  e.jumpImm('JNE', REG.byte, 0x2b, bad);
  e.movImm(R1, 1);
  e.bind(minus);
  e.load('DW', R0, REG.state, S.digits);
  e.load('DW', R2, REG.state, S.dot);
  e.aluReg('OR', R0, R2);
  e.load('DW', R2, REG.state, S.sign);
  e.aluReg('OR', R0, R2);
  e.jumpImm('JNE', R0, 0, bad);
  e.store('DW', REG.state, S.sign, R1);
  e.goto(g.next);
}

/** emitDateDash accepts '-' after exactly 4 digits (first) or 6 digits (second); else goes to `bad`. */
function emitDateDash(g: Gen, bad: Label): void {
  const { e } = g;
  const second = e.label('second_dash');
  const ok = e.label('dash_ok');
  e.jumpImm('JNE', REG.byte, 0x2d, bad);
  e.load('DW', R0, REG.state, S.digits);
  e.load('DW', R1, REG.state, S.frac);
  e.jumpImm('JNE', R1, 0, second);
  e.jumpImm('JEQ', R0, 4, ok);
  e.goto(bad);
  e.bind(second);
  e.jumpImm('JNE', R1, 1, bad);
  e.jumpImm('JNE', R0, 6, bad);
  e.bind(ok);
  e.aluImm('ADD', R1, 1);
  e.store('DW', REG.state, S.frac, R1);
  e.goto(g.next);
}

/**
 * emitFinish turns the finished field of `slot` into its value slot, then jumps to `done`.
 * An empty field that was not quoted (its terminator, the current byte, is at its first byte) is
 * NULL: the NULL byte is set and the value words zeroed. Strings are captured already; one longer
 * than its declared length is malformed. Malformed fields are recorded and the slot is left alone
 * (the row will not be aggregated).
 */
export function emitFinish(g: Gen, slot: ColumnSlot, done: Label): void {
  const { e } = g;
  e.comment(`field ${slot.name}: finish`);
  const codec = slot.codec;
  if (slot.nullFlag !== undefined) {
    const notNull = e.label('not_null');
    emitFileOffset(g, R0, 0);
    e.load('DW', R1, REG.state, S.fieldStart);
    e.jumpReg('JNE', R0, R1, notNull);
    emitNullValue(g, slot);
    e.goto(done);
    e.bind(notNull);
    e.storeImm('B', REG.state, slot.nullFlag, 0);
  }
  if (codec.kind === 'string') {
    const declared = declaredLength(slot.type);
    if (declared !== undefined) {
      e.load('DW', R0, REG.state, slot.offset);
      e.jumpImm('JLE', R0, declared, done);
      emitRowError(g, ErrorCode.stringTooLong, 'field');
    }
    e.goto(done);
    return;
  }
  if (codec.kind === 'date') {
    emitFinishDate(g, slot, done);
    return;
  }
  const bad = e.label('bad_number');
  const tooMany = e.label('too_many_digits');
  const positive = e.label('positive');
  e.load('DW', R0, REG.state, S.digits);
  e.jumpImm('JEQ', R0, 0, bad);
  e.load('DW', R3, REG.state, S.acc);
  const tooManyDecimals = e.label('too_many_decimals');
  e.load('DW', R1, REG.state, S.frac);
  e.jumpImm('JGT', R1, codec.scale, tooManyDecimals);
  e.movReg(R2, R0);
  e.aluReg('SUB', R2, R1);
  e.jumpImm('JGT', R2, MAX_DIGITS - codec.scale, tooMany);
  for (let k = 0; k < codec.scale; k++) {
    const skip = e.label('scaled');
    e.jumpImm('JGT', R1, k, skip);
    e.aluImm('MUL', R3, 10);
    e.bind(skip);
  }
  e.goto(positive);
  e.bind(tooManyDecimals);
  emitRowError(g, ErrorCode.tooManyDecimals, 'field');
  e.goto(done);
  e.bind(positive);
  const store = e.label('store');
  e.load('DW', R1, REG.state, S.sign);
  e.jumpImm('JNE', R1, 2, store);
  e.neg(R3);
  e.bind(store);
  e.store('DW', REG.state, slot.offset, R3);
  e.goto(done);
  e.bind(tooMany);
  emitRowError(g, ErrorCode.tooManyDigits, 'field');
  e.goto(done);
  e.bind(bad);
  emitRowError(g, ErrorCode.badNumber, 'field');
  e.goto(done);
}

/** emitNullValue records the current row's field of `slot` as NULL: its NULL byte set, its value words 0 (a string's length is 0 already). */
export function emitNullValue(g: Gen, slot: ColumnSlot): void {
  const { e } = g;
  e.storeImm('B', REG.state, slot.nullFlag as number, 1);
  if (slot.codec.kind === 'string') return;
  e.storeImm('DW', REG.state, slot.offset, 0);
  if (slot.packed !== undefined) e.storeImm('DW', REG.state, slot.packed, 0);
}

/** emitMonthDays sets `days` to the number of days in `month` of `year` (leap years included). Clobbers `work`. */
export function emitMonthDays(g: Gen, days: Reg, year: Reg, month: Reg, work: Reg): void {
  const { e } = g;
  const notLeap = e.label('not_leap');
  const leap = e.label('leap');
  e.movImm(days, MONTH_EXTRA_DAYS);
  e.movReg(work, month);
  e.aluImm('LSH', work, 1);
  e.aluReg('RSH', days, work);
  e.aluImm('AND', days, 3);
  e.aluImm('ADD', days, 28);
  e.jumpImm('JNE', month, 2, notLeap);
  e.movReg(work, year);
  e.aluImm('MOD', work, 4);
  e.jumpImm('JNE', work, 0, notLeap);
  e.movReg(work, year);
  e.aluImm('MOD', work, 100);
  e.jumpImm('JNE', work, 0, leap);
  e.movReg(work, year);
  e.aluImm('MOD', work, 400);
  e.jumpImm('JNE', work, 0, notLeap);
  e.bind(leap);
  e.aluImm('ADD', days, 1);
  e.bind(notLeap);
}

/** emitFinishDate checks YYYY-MM-DD against the calendar and stores days since 1970-01-01. */
function emitFinishDate(g: Gen, slot: ColumnSlot, done: Label): void {
  const { e } = g;
  const bad = e.label('bad_date');
  const marchOrLater = e.label('march_or_later');
  const [ymd, year, month, day, monthDays, work] = [R0, R1, R2, R3, R4, R5];
  e.load('DW', R0, REG.state, S.digits);
  e.jumpImm('JNE', R0, 8, bad);
  e.load('DW', R0, REG.state, S.frac);
  e.jumpImm('JNE', R0, 2, bad);
  e.load('DW', ymd, REG.state, S.acc);
  // YYYYMMDD splits into year, month and day
  e.movReg(year, ymd);
  e.aluImm('DIV', year, 10000);
  e.movReg(month, ymd);
  e.aluImm('DIV', month, 100);
  e.aluImm('MOD', month, 100);
  e.movReg(day, ymd);
  e.aluImm('MOD', day, 100);
  e.jumpImm('JEQ', month, 0, bad);
  e.jumpImm('JGT', month, 12, bad);
  e.jumpImm('JEQ', day, 0, bad);
  emitMonthDays(g, monthDays, year, month, work);
  e.jumpReg('JGT', day, monthDays, bad);
  if (slot.packed !== undefined) e.store('DW', REG.state, slot.packed, ymd); // ymd is still YYYYMMDD
  // Days from civil on a calendar starting in March, shifted by 400 years so every value stays positive.
  // Registers reused from here: the year shifted from March (then the year of the era), the era, the day count.
  const [yearOfEra, era, days] = [monthDays, work, ymd];
  e.movReg(yearOfEra, year);
  e.aluImm('ADD', yearOfEra, 400);
  e.jumpImm('JGT', month, 2, marchOrLater);
  e.aluImm('SUB', yearOfEra, 1);
  e.bind(marchOrLater);
  e.movReg(era, yearOfEra);
  e.aluImm('DIV', era, 400);
  e.movReg(days, era);
  e.aluImm('MUL', days, 146097);
  e.aluImm('MUL', era, 400);
  e.aluReg('SUB', yearOfEra, era);
  e.aluImm('ADD', month, 9);
  e.aluImm('MOD', month, 12); // month counted from March
  const dayOfEra = month; // the month counted from March becomes the day of the year, then of the era
  e.aluImm('MUL', dayOfEra, 153);
  e.aluImm('ADD', dayOfEra, 2);
  e.aluImm('DIV', dayOfEra, 5);
  e.aluReg('ADD', dayOfEra, day);
  e.aluImm('SUB', dayOfEra, 1); // day of year
  const term = day; // each term of the day of the era, once the day has been added
  e.movReg(term, yearOfEra);
  e.aluImm('MUL', term, 365);
  e.aluReg('ADD', dayOfEra, term);
  e.movReg(term, yearOfEra);
  e.aluImm('DIV', term, 4);
  e.aluReg('ADD', dayOfEra, term);
  e.movReg(term, yearOfEra);
  e.aluImm('DIV', term, 100);
  e.aluReg('SUB', dayOfEra, term); // day of era
  e.aluReg('ADD', days, dayOfEra);
  e.aluImm('SUB', days, DAYS_TO_EPOCH);
  e.store('DW', REG.state, slot.offset, days);
  e.goto(done);
  e.bind(bad);
  emitRowError(g, ErrorCode.badDate, 'field');
  e.goto(done);
}
