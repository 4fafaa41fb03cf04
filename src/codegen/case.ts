// A row-level CASE (each WHEN a jump, the first that holds computes its value into r0) and EXTRACT from a date column.
import { R0 } from '../asm/builder.js';
import type { CaseExpr, ExtractExpr } from '../sql/plan.js';
import type { Label } from './emitter.js';
import { REG, unsupported, type Gen } from './context.js';
import { emitJump, emitValue } from './expr.js';

/**
 * emitCase computes a CASE into r0 and returns a bound on its magnitude in bits (the widest branch).
 * Without ELSE, a row where no WHEN holds jumps to `onNull` (the aggregate that reads it skips the row).
 */
export function emitCase(g: Gen, expr: CaseExpr, depth: number, onNull: Label | undefined): number {
  const { e } = g;
  const done = e.label('case_done');
  let bits = 0;
  for (const branch of expr.whens) {
    const next = e.label('case_next');
    emitJump(g, branch.when, next, false, depth, true); // an unknown WHEN does not hold
    bits = Math.max(bits, emitValue(g, branch.then, depth, onNull));
    e.goto(done);
    e.bind(next);
  }
  if (expr.otherwise !== undefined) bits = Math.max(bits, emitValue(g, expr.otherwise, depth, onNull));
  else if (onNull !== undefined) e.goto(onNull);
  else throw unsupported(g, 'a CASE without ELSE here (it can be NULL); add an ELSE', expr.at);
  e.bind(done);
  return bits;
}


/** EXTRACT_BITS bounds a year (0..9999), month or day. */
const EXTRACT_BITS = 14;

/** emitExtract puts the year, month or day of a date column into r0, from the YYYYMMDD number the scanner keeps. */
export function emitExtract(g: Gen, expr: ExtractExpr): number {
  const { e } = g;
  const slot = g.layout.columns.find((c) => c.column === expr.operand.column); // the caller checked it for NULL
  if (slot?.packed === undefined) throw unsupported(g, `EXTRACT from ${expr.operand.name}, which is not a decoded date column`, expr.at);
  e.load('DW', R0, REG.state, slot.packed);
  if (expr.field === 'year') e.aluImm('DIV', R0, 10000);
  if (expr.field === 'month') e.aluImm('DIV', R0, 100);
  if (expr.field !== 'year') e.aluImm('MOD', R0, 100);
  return EXTRACT_BITS;
}
