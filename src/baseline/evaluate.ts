// Compiles plan expressions into JavaScript closures over a row of exact values (the baseline's evaluator).
import type { Expr, ValueExpr } from '../sql/plan.js';
import { divideRoundHalfAwayFromZero, pow10 } from '../values/decimal.js';
import { INT128_MAX, INT128_MIN, INT64_MAX, INT64_MIN, type Value } from '../values/types.js';
import { byteString } from '../values/bytes.js';
import { likeMatches } from '../values/like.js';
import { isNullable } from '../sql/nullable.js';
import { DATE_RANGE_TEXT, civilFromDays, shiftDate } from '../values/calendar.js';

/** RowValues holds one decoded row: entry i is column i's value (only the plan's used columns are set). */
export type RowValues = Value[];

/** Overflow is called with a description when an intermediate leaves the signed 64-bit range. */
export type OverflowHandler = (what: string) => never;

type ValueFn = (row: RowValues) => Value;
type PredicateFn = (row: RowValues) => boolean;

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
      return (row) => BigInt(civilFromDays(Number(row[column] as bigint))[field]);
    }
    case 'case': {
      const whens = expr.whens.map((branch) => ({ when: compilePredicate(branch.when, overflow), then: compileValue(branch.then, overflow) }));
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
        // Only a CASE without ELSE is NULL; arithmetic over it is NULL too (checked only where it can be).
        const op = expr.op;
        return (row) => {
          const a = left(row) as bigint | null;
          const b = right(row) as bigint | null;
          if (a === null || b === null) return null;
          return checked(op === '+' ? a + b : op === '-' ? a - b : a * b, overflow, what);
        };
      }
      if (expr.op === '+') return (row) => checked((left(row) as bigint) + (right(row) as bigint), overflow, what);
      if (expr.op === '-') return (row) => checked((left(row) as bigint) - (right(row) as bigint), overflow, what);
      return (row) => checked((left(row) as bigint) * (right(row) as bigint), overflow, what);
    }
  }
}

/** compilePredicate returns a function deciding whether a row satisfies a condition. */
export function compilePredicate(expr: Expr, overflow: OverflowHandler, lookup?: JoinLookup): PredicateFn {
  switch (expr.kind) {
    case 'lookup': {
      if (lookup === undefined) throw new TypeError('a join lookup needs the build sides');
      const { build, key } = expr;
      return (row) => lookup(build, row[key.column] as Value, row);
    }
    case 'compare': {
      const left = compileValue(expr.left as ValueExpr, overflow);
      const right = compileValue(expr.right as ValueExpr, overflow);
      switch (expr.op) {
        case '=':
          return (row) => left(row) === right(row);
        case '<>':
          return (row) => left(row) !== right(row);
        case '<':
          return (row) => (left(row) as bigint | string) < (right(row) as bigint | string);
        case '<=':
          return (row) => (left(row) as bigint | string) <= (right(row) as bigint | string);
        case '>':
          return (row) => (left(row) as bigint | string) > (right(row) as bigint | string);
        case '>=':
          return (row) => (left(row) as bigint | string) >= (right(row) as bigint | string);
      }
      break;
    }
    case 'in': {
      const operand = compileValue(expr.operand as ValueExpr, overflow);
      const values = new Set<Value>(expr.values.map((value) => (value.kind === 'number' ? value.units : value.kind === 'date' ? value.days : byteString(value.bytes))));
      return (row) => values.has(operand(row));
    }
    case 'like': {
      const operand = compileValue(expr.operand as ValueExpr, overflow);
      const text = byteString(expr.bytes);
      switch (expr.match) {
        case 'exact':
          return (row) => operand(row) === text;
        case 'prefix':
          return (row) => (operand(row) as string).startsWith(text);
        case 'suffix':
          return (row) => (operand(row) as string).endsWith(text);
        case 'infix':
          return (row) => (operand(row) as string).includes(text);
        case 'pattern': {
          const pattern = expr.bytes;
          return (row) => likeMatches(Buffer.from(operand(row) as string, 'latin1'), pattern);
        }
      }
      break;
    }
    case 'and': {
      const operands = expr.operands.map((operand) => compilePredicate(operand, overflow, lookup));
      return (row) => operands.every((operand) => operand(row));
    }
    case 'or': {
      const operands = expr.operands.map((operand) => compilePredicate(operand, overflow, lookup));
      return (row) => operands.some((operand) => operand(row));
    }
    case 'not': {
      const operand = compilePredicate(expr.operand, overflow);
      return (row) => !operand(row);
    }
    case 'truth': {
      const value = expr.value;
      return () => value;
    }
  }
  throw new TypeError(`a ${expr.kind} expression is not a condition`);
}

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
