// Which conditions are decided at compile time, as the code generator's jumps see them (codegen/expr.ts emitJump: is the truth `when`, or unknown when `unknownJumps`?), so no code is left that cannot run.
import type { Expr, Predicate } from './plan.js';

/** neverTrue says whether a condition is false or unknown for every row: a filter or a WHEN made of it never holds and is decided false. */
export function neverTrue(p: Predicate): boolean {
  return alwaysJumps(p, false, true);
}

/**
 * alwaysJumps says whether emitJump(expr, target, when, unknownJumps) jumps for every row: then code
 * placed after it cannot run and is not emitted. neverJumps is its mirror. Conditions that depend on a
 * row's values are neither; both answers are exact for the decided ones (truth, unlessnull) and the
 * AND, OR and NOT over them, in the order emitJump tests the operands.
 */
export function alwaysJumps(expr: Expr, when: boolean, unknownJumps: boolean): boolean {
  switch (expr.kind) {
    case 'truth':
      return expr.value === when;
    case 'unlessnull':
      return expr.value === when && unknownJumps;
    case 'not':
      return alwaysJumps(expr.operand, !when, unknownJumps);
    case 'and':
    case 'or': {
      const decisive = expr.kind === 'or';
      if (when === decisive) return expr.operands.some((operand) => alwaysJumps(operand, when, unknownJumps));
      const last = expr.operands[expr.operands.length - 1] as Expr;
      return expr.operands.slice(0, -1).every((operand) => neverJumps(operand, decisive, !unknownJumps)) && alwaysJumps(last, when, unknownJumps);
    }
    default:
      return false;
  }
}

/** neverJumps says whether emitJump(expr, target, when, unknownJumps) falls through for every row. */
export function neverJumps(expr: Expr, when: boolean, unknownJumps: boolean): boolean {
  switch (expr.kind) {
    case 'truth':
      return expr.value !== when;
    case 'unlessnull':
      return expr.value !== when && !unknownJumps;
    case 'not':
      return neverJumps(expr.operand, !when, unknownJumps);
    case 'and':
    case 'or': {
      const decisive = expr.kind === 'or';
      if (when === decisive) return expr.operands.every((operand) => neverJumps(operand, when, unknownJumps));
      const last = expr.operands[expr.operands.length - 1] as Expr;
      return expr.operands.slice(0, -1).some((operand) => alwaysJumps(operand, decisive, !unknownJumps)) || neverJumps(last, when, unknownJumps);
    }
    default:
      return false;
  }
}
