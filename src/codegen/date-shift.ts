// `d ± interval` in the storage program: days add to the days; months and years move a date column's YYYYMMDD form through the calendar.
import { R0, R1, R2, R3, R4 } from '../asm/builder.js';
import { MAX_DATE_DAYS, MIN_DATE_DAYS } from '../values/calendar.js';
import type { ShiftExpr } from '../sql/plan.js';
import type { Label } from './emitter.js';
import { REG, emitFatal, unsupported, type Gen } from './context.js';
import { emitValue } from './expr.js';
import { emitNullCheck } from './nulls.js';
import { DAYS_TO_EPOCH, emitMonthDays } from './fields.js';
import { FatalCode } from './layout.js';

/** DATE_BITS bounds a date in days (years 0000..9999). */
const DATE_BITS = 32;
/** LAST_MONTH_INDEX is 9999-12 as months since 0000-01. */
const LAST_MONTH_INDEX = 9999 * 12 + 11;

/**
 * emitShift computes a shifted date into r0 as days since 1970-01-01, as values/calendar.ts shiftDate
 * does; a result outside 0000-01-01..9999-12-31 stops the scan (FatalCode.dateRange). Uses r1..r4.
 */
export function emitShift(g: Gen, expr: ShiftExpr, depth: number, onNull: Label | undefined): number {
  const { e } = g;
  const inRange = e.label('date_in_range');
  const outOfRange = e.label('date_out_of_range');
  if (expr.unit === 'day') {
    emitValue(g, expr.operand, depth, onNull);
    e.constant(R1, expr.amount);
    e.aluReg('ADD', R0, R1);
  } else {
    // Months and years read a date column's YYYYMMDD form (ShiftExpr): NULL where the column is.
    if (expr.operand.kind === 'column') emitNullCheck(g, expr.operand.column, expr.operand.name, onNull);
    emitMonths(g, expr, outOfRange);
  }
  e.constant(R1, BigInt(MIN_DATE_DAYS));
  e.jumpReg('JSLT', R0, R1, outOfRange);
  e.constant(R1, BigInt(MAX_DATE_DAYS));
  e.jumpReg('JSLE', R0, R1, inRange);
  e.bind(outOfRange);
  emitFatal(g, FatalCode.dateRange);
  e.bind(inRange);
  return DATE_BITS;
}

/** emitMonths moves a date column by whole months (years are 12), clamping the day to the target month's last. */
function emitMonths(g: Gen, expr: ShiftExpr, outOfRange: Label): void {
  const { e } = g;
  const slot = expr.operand.kind === 'column' ? g.layout.columns.find((c) => c.column === (expr.operand as { column: number }).column) : undefined;
  if (slot?.packed === undefined) throw unsupported(g, `a ${expr.unit} interval on anything but a date column`, expr.at);
  const months = expr.unit === 'year' ? expr.amount * 12n : expr.amount;
  const [year, month, day, work] = [R1, R2, R3, R4];
  e.comment(`${expr.amount} ${expr.unit}s: month index = year * 12 + month - 1 + ${months}`);
  e.load('DW', R0, REG.state, slot.packed);
  e.movReg(day, R0);
  e.aluImm('MOD', day, 100);
  e.movReg(month, R0);
  e.aluImm('DIV', month, 100);
  e.aluImm('MOD', month, 100);
  e.movReg(year, R0);
  e.aluImm('DIV', year, 10000);
  e.aluImm('MUL', year, 12);
  e.aluReg('ADD', year, month);
  e.constant(work, months - 1n);
  e.aluReg('ADD', year, work);
  e.jumpImm('JSLT', year, 0, outOfRange);
  e.jumpImm('JSGT', year, LAST_MONTH_INDEX, outOfRange);
  e.movReg(month, year);
  e.aluImm('MOD', month, 12);
  e.aluImm('ADD', month, 1);
  e.aluImm('DIV', year, 12);
  emitClampDay(g, year, month, day, work);
  emitDaysFromCivil(g, year, month, day, work);
}

/** emitClampDay lowers `day` to the last day of `month` in `year` where it is past it. Clobbers r0 and `work`. */
function emitClampDay(g: Gen, year: typeof R1, month: typeof R2, day: typeof R3, work: typeof R4): void {
  const { e } = g;
  const fits = e.label('day_fits');
  emitMonthDays(g, R0, year, month, work);
  e.jumpReg('JLE', day, R0, fits);
  e.movReg(day, R0);
  e.bind(fits);
}

/** emitDaysFromCivil puts the days since 1970-01-01 of (year, month, day) into r0 (a year from March, shifted 400 years to stay positive). */
function emitDaysFromCivil(g: Gen, year: typeof R1, month: typeof R2, day: typeof R3, work: typeof R4): void {
  const { e } = g;
  const marchOrLater = e.label('march_or_later');
  e.aluImm('ADD', year, 400);
  e.jumpImm('JGT', month, 2, marchOrLater);
  e.aluImm('SUB', year, 1);
  e.aluImm('ADD', month, 12);
  e.bind(marchOrLater);
  e.aluImm('SUB', month, 3);
  e.movReg(R0, month);
  e.aluImm('MUL', R0, 153);
  e.aluImm('ADD', R0, 2);
  e.aluImm('DIV', R0, 5);
  e.aluReg('ADD', R0, day);
  e.aluImm('SUB', R0, 1 + DAYS_TO_EPOCH);
  e.movReg(work, year);
  e.aluImm('MUL', work, 365);
  e.aluReg('ADD', R0, work);
  e.movReg(work, year);
  e.aluImm('DIV', work, 4);
  e.aluReg('ADD', R0, work);
  e.movReg(work, year);
  e.aluImm('DIV', work, 100);
  e.aluReg('SUB', R0, work);
  e.aluImm('DIV', year, 400);
  e.aluReg('ADD', R0, year);
}
