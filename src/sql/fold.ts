// Conditions decided at compile time: truth values, and AND / OR / NOT simplified around them.
import type { SourcePosition } from './errors.js';
import type { CompareOp, Constant, Predicate, ValueExpr } from './plan.js';
import { isNullable } from './nullable.js';

/** truth is the condition that is always `value`. */
export function truth(value: boolean): Predicate {
  return { kind: 'truth', value };
}

/** allOf is the AND of `operands`: nested ANDs flattened, true operands dropped, false if any is false. */
export function allOf(operands: readonly Predicate[], at?: SourcePosition): Predicate {
  return combine('and', operands, at);
}

/** anyOf is the OR of `operands`: nested ORs flattened, false operands dropped, true if any is true. */
export function anyOf(operands: readonly Predicate[], at?: SourcePosition): Predicate {
  return combine('or', operands, at);
}

function combine(kind: 'and' | 'or', operands: readonly Predicate[], at: SourcePosition | undefined): Predicate {
  const decisive = kind === 'or';
  const kept: Predicate[] = [];
  for (const operand of operands) {
    if (operand.kind === 'truth') {
      if (operand.value === decisive) return operand;
      continue;
    }
    if (operand.kind === kind) kept.push(...operand.operands);
    else kept.push(operand);
  }
  if (kept.length === 0) return truth(!decisive);
  if (kept.length === 1) return kept[0] as Predicate;
  return at === undefined ? { kind, operands: kept } : { kind, operands: kept, at };
}

/** negate is NOT `operand`, with a truth value flipped rather than wrapped (and a decided-unless-NULL one flipped too). */
export function negate(operand: Predicate): Predicate {
  if (operand.kind === 'truth') return truth(!operand.value);
  if (operand.kind === 'unlessnull') return { ...operand, value: !operand.value };
  return { kind: 'not', operand };
}

/**
 * decidedFor is a condition on `operand` decided at compile time to be `value` for every value it can
 * have: `value` itself for a constant, else `value` where the operand is not NULL and unknown where it is.
 */
export function decidedFor(operand: ValueExpr, value: boolean): Predicate {
  return isNullable(operand) ? { kind: 'unlessnull', operand, value } : truth(value);
}

/** decideCompare compares two constants of one kind (numbers already at one scale; strings by bytes). */
export function decideCompare(op: CompareOp, a: Constant, b: Constant): boolean {
  return orderHolds(op, compareConstants(a, b));
}

/** orderHolds says whether `op` holds between two values whose order is `order` (negative, 0 or positive). */
export function orderHolds(op: CompareOp, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function compareConstants(a: Constant, b: Constant): number {
  if (a.kind === 'string' && b.kind === 'string') return Buffer.compare(a.bytes, b.bytes);
  const x = a.kind === 'number' ? a.units : a.kind === 'date' ? a.days : 0n;
  const y = b.kind === 'number' ? b.units : b.kind === 'date' ? b.days : 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * longerThanColumn says whether `bytes` is longer than any value of the string `operand` can be: a
 * column's declared length (char(n), varchar(n)) is enforced on the data (a longer value makes its row
 * malformed), and a SUBSTRING's or a string CASE's length is the most its value can have (bind-substring.ts,
 * bind-case.ts), so `=`, IN and LIKE with such a literal are false for every row, and `<>` true.
 */
export function longerThanColumn(operand: ValueExpr, bytes: Uint8Array): boolean {
  if (operand.kind === 'constant') return false;
  const type = operand.type;
  return (type.kind === 'char' || type.kind === 'varchar') && type.length !== undefined && bytes.length > type.length;
}
