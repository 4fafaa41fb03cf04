// A row-level CASE in the storage program: each WHEN as a jump, the first that holds computes its value into r0.
import type { CaseExpr } from '../sql/plan.js';
import type { Label } from './emitter.js';
import { unsupported, type Gen } from './context.js';
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
    emitJump(g, branch.when, next, false, depth);
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

