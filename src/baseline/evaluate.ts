// Compiles plan expressions into JavaScript closures over a row of exact values (the baseline's evaluator).
import type { CompareOp, Expr, LikeMatch, ValueExpr } from '../sql/plan.js';
import { divideRoundHalfAwayFromZero, pow10 } from '../values/decimal.js';
import { INT128_MAX, INT128_MIN, INT64_MAX, INT64_MIN, type Value } from '../values/types.js';
import { byteString } from '../values/bytes.js';
import { likeMatches } from '../values/like.js';
import { substringRange } from '../values/substring.js';
import { isNullable } from '../sql/nullable.js';
import { DATE_RANGE_TEXT, civilFromDays, shiftDate } from '../values/calendar.js';

/** RowValues holds one decoded row: entry i is column i's value (only the plan's used columns are set). */
export type RowValues = Value[];

/** Overflow is called with a description when an intermediate leaves the signed 64-bit range. */
export type OverflowHandler = (what: string) => never;

type ValueFn = (row: RowValues) => Value;

/**
 * JoinLookup answers a LookupExpr: it finds the row's key in build side `build` and, when found,
 * sets the row's build value columns and returns true (see JoinBuild in sql/plan.ts).
 */
export type JoinLookup = (build: number, key: Value, row: RowValues) => boolean;

/**
 * compileValue returns a function computing an expression exactly. Every arithmetic result is
 * checked against the signed 64-bit range the eBPF program computes in, so an answer the pushdown
 * path cannot hold is an error in both paths rather than a wrap-around in one.
 */
export function compileValue(expr: ValueExpr, overflow: OverflowHandler): ValueFn {
  switch (expr.kind) {
    case 'column': {
      const column = expr.column;
      return (row) => row[column] as Value;
    }
    case 'constant': {
      const value = expr.value;
      const constant: Value = value.kind === 'number' ? value.units : value.kind === 'date' ? value.days : byteString(value.bytes);
      return () => constant;
    }
    case 'rescale': {
      const operand = compileValue(expr.operand, overflow);
      const factor = pow10(Math.abs(expr.digits));
      if (expr.digits < 0) {
        return (row) => {
          const value = operand(row) as bigint | null;
          return value === null ? null : divideRoundHalfAwayFromZero(value, factor);
        };
      }
      return (row) => {
        const value = operand(row) as bigint | null;
        return value === null ? null : checked(value * factor, overflow, 'a rescaled value');
      };
    }
    case 'shift': {
      const operand = compileValue(expr.operand, overflow);
      const { amount, unit } = expr;
      return (row) => {
        const days = operand(row) as bigint | null;
        if (days === null) return null;
        const moved = shiftDate(Number(days), amount, unit);
        return moved === undefined ? overflow(`a date moved by an interval left the supported range (${DATE_RANGE_TEXT})`) : BigInt(moved);
      };
    }
    case 'extract': {
      const column = expr.operand.column;
      const field = expr.field;
      return (row) => (row[column] === null ? null : BigInt(civilFromDays(Number(row[column] as bigint))[field]));
    }
    case 'substring': {
      const column = expr.operand.column;
      const { start, count } = expr;
      return (row) => {
        const value = row[column] as string | null;
        if (value === null) return null;
        const [from, to] = substringRange(Buffer.from(value, 'latin1'), start, count);
        return value.slice(from, to);
      };
    }
    case 'case': {
      const whens = expr.whens.map((branch) => ({ when: compileCondition(branch.when, overflow), then: compileValue(branch.then, overflow) }));
      const otherwise = expr.otherwise === undefined ? () => null : compileValue(expr.otherwise, overflow);
      return (row) => {
        for (const branch of whens) if (branch.when(row)) return branch.then(row);
        return otherwise(row);
      };
    }
    case 'arith': {
      const left = compileValue(expr.left, overflow);
      const right = compileValue(expr.right, overflow);
      const what = `the result of '${expr.op}'`;
      if (isNullable(expr)) {
        // Arithmetic over a NULL (an empty field, a CASE without ELSE) is NULL (checked only where it can be);
        // a NULL left operand ends it before the right one is computed, as in the program.
        const op = expr.op;
        return (row) => {
          const a = left(row) as bigint | null;
          if (a === null) return null; // the right side is not computed, as in the program
          const b = right(row) as bigint | null;
          if (b === null) return null;
          return checked(op === '+' ? a + b : op === '-' ? a - b : a * b, overflow, what);
        };
      }
      if (expr.op === '+') return (row) => checked((left(row) as bigint) + (right(row) as bigint), overflow, what);
      if (expr.op === '-') return (row) => checked((left(row) as bigint) - (right(row) as bigint), overflow, what);
      return (row) => checked((left(row) as bigint) * (right(row) as bigint), overflow, what);
    }
  }
}

/**
 * compileCondition returns a function saying whether a condition is true for a row (SQL's three-valued
 * logic: false and unknown are both not true), as a filter or a CASE's WHEN asks. Its operands are
 * evaluated in the order the storage program evaluates them and no further than it does (emitJump in
 * codegen/expr.ts), so that an overflow in an operand the answer did not need stops neither path.
 */
export function compileCondition(expr: Expr, overflow: OverflowHandler, lookup?: JoinLookup): (row: RowValues) => boolean {
  const skip = compileJump(expr, false, true, overflow, lookup);
  return (row) => !skip(row);
}

type JumpFn = (row: RowValues) => boolean;

/** compileJump answers emitJump's question: is the condition's truth `when`, or unknown when `unknownJumps`? */
function compileJump(expr: Expr, when: boolean, unknownJumps: boolean, overflow: OverflowHandler, lookup: JoinLookup | undefined): JumpFn {
  switch (expr.kind) {
    case 'not':
      return compileJump(expr.operand, !when, unknownJumps, overflow, lookup);
    case 'and':
    case 'or': {
      const decisive = expr.kind === 'or';
      if (when === decisive) {
        const operands = expr.operands.map((operand) => compileJump(operand, when, unknownJumps, overflow, lookup));
        return (row) => operands.some((operand) => operand(row));
      }
      const last = compileJump(expr.operands[expr.operands.length - 1] as Expr, when, unknownJumps, overflow, lookup);
      const others = expr.operands.slice(0, -1).map((operand) => compileJump(operand, decisive, !unknownJumps, overflow, lookup));
      return (row) => !others.some((operand) => operand(row)) && last(row);
    }
    case 'lookup': {
      if (lookup === undefined) throw new TypeError('a join lookup needs the build sides');
      const { build, key } = expr;
      // A NULL key equals no key: the row has no join partner.
      const found = (row: RowValues): boolean => row[key.column] !== null && lookup(build, row[key.column] as Value, row);
      return when ? found : (row) => !found(row);
    }
    case 'truth': {
      const value = expr.value === when;
      return () => value;
    }
    default: {
      const truth = compileLeaf(expr, overflow);
      return (row) => {
        const value = truth(row);
        return value === null ? unknownJumps : value === when;
      };
    }
  }
}

/**
 * compileLeaf returns a function giving a comparison's, IN's, LIKE's or IS NULL's truth in three-valued
 * logic: null (unknown) where an operand is NULL; the left operand is computed first, and a NULL there
 * decides before the right one is computed.
 */
function compileLeaf(expr: Expr, overflow: OverflowHandler): (row: RowValues) => boolean | null {
  switch (expr.kind) {
    case 'compare': {
      const left = compileValue(expr.left as ValueExpr, overflow);
      const right = compileValue(expr.right as ValueExpr, overflow);
      const holds = ORDER_TESTS[expr.op];
      // As the program does: the left side first, and a NULL there leaves the right one uncomputed (it may overflow).
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : holds(a as bigint | string, b as bigint | string);
      };
    }
    case 'in': {
      const operand = compileValue(expr.operand as ValueExpr, overflow);
      const values = new Set<Value>(expr.values.map((value) => (value.kind === 'number' ? value.units : value.kind === 'date' ? value.days : byteString(value.bytes))));
      return (row) => {
        const value = operand(row);
        return value === null ? null : values.has(value);
      };
    }
    case 'like': {
      const operand = compileValue(expr.operand as ValueExpr, overflow);
      const text = byteString(expr.bytes);
      const pattern = expr.bytes;
      const matches = expr.match === 'pattern' ? (value: string) => likeMatches(Buffer.from(value, 'latin1'), pattern) : (value: string) => LIKE_TESTS[expr.match as Exclude<LikeMatch, 'pattern'>](value, text);
      return (row) => {
        const value = operand(row);
        return value === null ? null : matches(value as string);
      };
    }
    case 'isnull': {
      const operand = compileValue(expr.operand, overflow);
      return (row) => operand(row) === null;
    }
    case 'unlessnull': {
      const operand = compileValue(expr.operand, overflow);
      const value = expr.value;
      return (row) => (operand(row) === null ? null : value);
    }
    default:
      throw new TypeError(`a ${expr.kind} expression is not a condition`);
  }
}

const ORDER_TESTS: Record<CompareOp, (a: bigint | string, b: bigint | string) => boolean> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const LIKE_TESTS: Record<Exclude<LikeMatch, 'pattern'>, (value: string, text: string) => boolean> = {
  exact: (value, text) => value === text,
  prefix: (value, text) => value.startsWith(text),
  suffix: (value, text) => value.endsWith(text),
  infix: (value, text) => value.includes(text),
};

/** checked returns `value` if it fits in a signed 64-bit integer, else reports the overflow. */
export function checked(value: bigint, overflow: OverflowHandler, what: string): bigint {
  if (value < INT64_MIN || value > INT64_MAX) overflow(`${what} does not fit in 64 bits`);
  return value;
}

/** checkedSum returns `value` if it fits the signed 128-bit SUM/AVG accumulator, else reports the overflow. */
export function checkedSum(value: bigint, overflow: OverflowHandler, what: string): bigint {
  if (value < INT128_MIN || value > INT128_MAX) overflow(`${what} does not fit in 128 bits`);
  return value;
}
