// Computes post-aggregate expressions for one group, exactly, after the merge (both evaluation paths share it).
import { QueryError } from './errors.js';
import { orderHolds } from './fold.js';
import type { PostExpr, PostPredicate } from './post-aggregate.js';
import { divideRoundHalfAwayFromZero, pow10 } from '../values/decimal.js';
import { MAX_DECIMAL_PRECISION, scaleOf, type SqlType, type Value } from '../values/types.js';

/** GroupValues is one group as post-aggregate expressions see it: its key values and final aggregate values. */
export interface GroupValues {
  readonly keys: readonly Value[];
  readonly aggregates: readonly Value[];
}

const DECIMAL_LIMIT = pow10(MAX_DECIMAL_PRECISION);

/**
 * evalPost computes an expression for one group. Arithmetic is exact; a NULL operand or a division
 * by zero gives NULL; a result of 38 digits or more is an overflow error (`file` names the query).
 */
export function evalPost(expr: PostExpr, group: GroupValues, file: string): Value {
  switch (expr.kind) {
    case 'aggregate':
      return group.aggregates[expr.index] ?? null;
    case 'group':
      return group.keys[expr.index] ?? null;
    case 'constant':
      return expr.value;
    case 'cast': {
      const value = evalPost(expr.operand, group, file);
      if (typeof value !== 'bigint') return value;
      const digits = scaleOf(expr.type) - scaleOf(expr.operand.type);
      return digits >= 0 ? value * pow10(digits) : divideRoundHalfAwayFromZero(value, pow10(-digits));
    }
    case 'case': {
      for (const branch of expr.whens) if (evalPostPredicate(branch.when, group, file) === true) return atScale(evalPost(branch.then, group, file), branch.then.type, expr.type);
      return expr.otherwise === undefined ? null : atScale(evalPost(expr.otherwise, group, file), expr.otherwise.type, expr.type);
    }
    case 'arith': {
      const a = evalPost(expr.left, group, file);
      const b = evalPost(expr.right, group, file);
      if (typeof a !== 'bigint' || typeof b !== 'bigint') return null;
      const [ls, rs, scale] = [scaleOf(expr.left.type), scaleOf(expr.right.type), scaleOf(expr.type)];
      let result: bigint;
      if (expr.op === '*') result = a * b;
      else if (expr.op === '/') {
        if (b === 0n) return null;
        // a/10^ls ÷ b/10^rs in units of 10^-scale: a · 10^(scale − ls + rs) / b.
        result = divideRoundHalfAwayFromZero(a * pow10(scale - ls + rs), b);
      } else {
        const x = a * pow10(scale - ls);
        const y = b * pow10(scale - rs);
        result = expr.op === '+' ? x + y : x - y;
      }
      if (result <= -DECIMAL_LIMIT || result >= DECIMAL_LIMIT) {
        throw new QueryError(file, expr.at, `arithmetic overflow: the result of '${expr.op}' has more than ${MAX_DECIMAL_PRECISION} digits (DECIMAL(${MAX_DECIMAL_PRECISION}) is the widest result)`);
      }
      return result;
    }
  }
}

/** evalPostPredicate decides a condition for one group: true, false, or null (unknown, from a NULL operand). */
export function evalPostPredicate(expr: PostPredicate, group: GroupValues, file: string): boolean | null {
  switch (expr.kind) {
    case 'compare': {
      let a = evalPost(expr.left, group, file);
      let b = evalPost(expr.right, group, file);
      if (a === null || b === null) return null;
      if (typeof a === 'bigint' && typeof b === 'bigint') {
        const [ls, rs] = [scaleOf(expr.left.type), scaleOf(expr.right.type)];
        const scale = Math.max(ls, rs);
        a *= pow10(scale - ls);
        b *= pow10(scale - rs);
      }
      return orderHolds(expr.op, a < b ? -1 : a > b ? 1 : 0);
    }
    case 'and':
    case 'or': {
      // Kleene logic: a decisive operand (false for AND, true for OR) decides; else any unknown makes it unknown.
      const decisive = expr.kind === 'or';
      let unknown = false;
      for (const operand of expr.operands) {
        const value = evalPostPredicate(operand, group, file);
        if (value === decisive) return decisive;
        if (value === null) unknown = true;
      }
      return unknown ? null : !decisive;
    }
    case 'not': {
      const value = evalPostPredicate(expr.operand, group, file);
      return value === null ? null : !value;
    }
  }
  return null;
}

function atScale(value: Value, from: SqlType, to: SqlType): Value {
  return typeof value === 'bigint' ? value * pow10(scaleOf(to) - scaleOf(from)) : value;
}
