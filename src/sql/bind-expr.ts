// Resolves and types expressions: column lookup, SQL decimal rules, scale alignment, constant folding.
import type { AstExpr, IntervalUnit, Span } from './ast.js';
import { DATE_RANGE_TEXT, parseDateDays, shiftDate } from '../values/calendar.js';
import { fractionDigits, parseDecimalUnits, pow10 } from '../values/decimal.js';
import { QueryError } from './errors.js';
import { MAX_LIKE_PATTERN_BYTES, type ColumnDef, type ColumnRef, type CompareOp, type Constant, type ConstantExpr, type LikeMatch, type Predicate, type ValueExpr } from './plan.js';
import { UNDERSCORE, likeMatches, likeSegments } from '../values/like.js';
import { allOf, anyOf, decideCompare, decidedFor, longerThanColumn, negate, truth } from './fold.js';
import { bindCase } from './bind-case.js';
import { bindExtract, bindShift } from './bind-extract.js';
import { bindCast } from './bind-cast.js';
import { bindSubstring } from './bind-substring.js';
import { didYouMean } from './suggest.js';
import { isNullable } from './nullable.js';
import {
  DATE, INT64_MAX, INT64_MIN, INTEGER, decimalType, isNumeric, isString, precisionOf, scaleOf, typeName,
  type SqlType,
} from '../values/types.js';

/** ExprScope is what expressions can refer to: the table's columns; `file` names the query in errors. */
export interface ExprScope {
  readonly file: string;
  readonly columns: readonly ColumnDef[];
  /** Resolves a column name, `table` its qualifier if written; without it names are looked up in `columns` and qualifiers refused. */
  readonly resolve?: (at: Span, name: string, table: string | undefined) => ColumnRef;
  /** text returns an expression as written (names a computed group key). */
  readonly text?: (ast: AstExpr) => string;
}

interface Interval {
  readonly kind: 'interval';
  readonly amount: bigint;
  readonly unit: IntervalUnit;
}

/** bindValue types an expression that yields a value (a column, constant or arithmetic over them). */
export function bindValue(scope: ExprScope, ast: AstExpr): ValueExpr {
  const bound = bindOperand(scope, ast);
  if (bound.kind === 'interval') fail(scope, ast, 'an interval can only be added to or subtracted from a date constant');
  return bound;
}

/** bindPredicate types a condition (comparison, BETWEEN, IN, LIKE, AND, OR, NOT). */
export function bindPredicate(scope: ExprScope, ast: AstExpr): Predicate {
  switch (ast.kind) {
    case 'compare':
      return compare(scope, ast, ast.op, bindValue(scope, ast.left), bindValue(scope, ast.right));
    case 'between': {
      const operand = bindValue(scope, ast.operand);
      const range = allOf([
        compare(scope, ast.low, '>=', operand, bindValue(scope, ast.low)),
        compare(scope, ast.high, '<=', operand, bindValue(scope, ast.high)),
      ], ast.position);
      return ast.negated ? negate(range) : range;
    }
    case 'in': {
      const membership = bindIn(scope, ast, bindValue(scope, ast.operand), ast.list);
      return ast.negated ? negate(membership) : membership;
    }
    case 'like': {
      const match = bindLike(scope, ast, ast.operand, ast.pattern);
      return ast.negated ? negate(match) : match;
    }
    case 'and':
    case 'or': {
      const operands = [bindPredicate(scope, ast.left), bindPredicate(scope, ast.right)];
      return ast.kind === 'and' ? allOf(operands, ast.position) : anyOf(operands, ast.position);
    }
    case 'not':
      return negate(bindPredicate(scope, ast.operand));
    case 'isnull': {
      const operand = bindValue(scope, ast.operand);
      const test: Predicate = isNullable(operand) ? { kind: 'isnull', operand, at: ast.position } : truth(false);
      return ast.negated ? negate(test) : test;
    }
    default:
      return fail(scope, ast, 'expected a condition (a comparison, BETWEEN, IN, LIKE or IS NULL)');
  }
}

function bindOperand(scope: ExprScope, ast: AstExpr): ValueExpr | Interval {
  switch (ast.kind) {
    case 'identifier':
      return bindColumn(scope, ast, ast.name, ast.table);
    case 'number':
      return numberConstant(scope, ast, ast.text);
    case 'string':
      return stringConstant(ast.text);
    case 'date': {
      const days = parseDateDays(ast.text);
      if (days === undefined) fail(scope, ast, `invalid date '${ast.text}' (expected a real date as YYYY-MM-DD)`);
      return dateConstant(BigInt(days as number));
    }
    case 'interval': {
      if (!/^\s*[+-]?\d+\s*$/.test(ast.text)) fail(scope, ast, `invalid interval '${ast.text}' (expected a whole number)`);
      return { kind: 'interval', amount: BigInt(ast.text.trim()), unit: ast.unit };
    }
    case 'negate': {
      const operand = bindValue(scope, ast.operand);
      if (!isNumeric(operand.type)) fail(scope, ast, `cannot negate a ${typeName(operand.type)}`);
      return arithmetic(scope, ast, '-', numberExpr(0n, INTEGER), operand);
    }
    case 'arith':
      if (ast.op === '/') {
        return fail(scope, ast, 'division is computed on the compute node, between aggregates (e.g. sum(a) / sum(b)) or group keys; it is not supported inside a row expression');
      }
      return bindArith(scope, ast, ast.op, ast.left, ast.right);
    case 'case':
      return bindCase(scope, ast);
    case 'extract':
      return bindExtract(scope, ast, scope.text?.(ast) ?? 'extract');
    case 'cast':
      return bindCast(scope, ast);
    case 'substring':
      return bindSubstring(scope, ast, scope.text?.(ast) ?? 'substring');
    case 'aggregate':
      return fail(scope, ast, 'an aggregate cannot be used here');
    default:
      return fail(scope, ast, 'a condition cannot be used as a value here');
  }
}

function bindColumn(scope: ExprScope, ast: Span, name: string, table: string | undefined): ColumnRef {
  if (scope.resolve !== undefined) return scope.resolve(ast, name, table);
  if (table !== undefined) return fail(scope, ast, `qualified column names (table.column) are not supported here`);
  const column = scope.columns.find((candidate) => candidate.name === name) ?? scope.columns.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (column === undefined) {
    const names = scope.columns.map((candidate) => candidate.name);
    return fail(scope, ast, `unknown column '${name}'${didYouMean(name, names)}`);
  }
  return { kind: 'column', column: column.index, name: column.name, type: column.type };
}

function bindArith(scope: ExprScope, ast: AstExpr, op: '+' | '-' | '*', leftAst: AstExpr, rightAst: AstExpr): ValueExpr {
  const left = bindOperand(scope, leftAst);
  const right = bindOperand(scope, rightAst);
  if (left.kind === 'interval' || right.kind === 'interval') {
    const [date, interval, dateAst] =
      right.kind === 'interval' ? ([left, right, leftAst] as const) : ([right, left, rightAst] as const);
    if (interval.kind !== 'interval' || date.kind === 'interval' || (op === '-' && right.kind !== 'interval') || op === '*') {
      return fail(scope, ast, 'intervals can only be added to or subtracted from a date');
    }
    const amount = op === '-' ? -interval.amount : interval.amount;
    if (date.kind !== 'constant' || date.value.kind !== 'date') return bindShift(scope, ast, dateAst, date, amount, interval.unit);
    const moved = shiftDate(Number(date.value.days), amount, interval.unit);
    if (moved === undefined) return fail(scope, ast, `the date is outside the supported range (${DATE_RANGE_TEXT})`);
    return dateConstant(BigInt(moved));
  }
  if (!isNumeric(left.type) || !isNumeric(right.type)) {
    return fail(scope, ast, `cannot apply '${op}' to ${typeName(left.type)} and ${typeName(right.type)}`);
  }
  return arithmetic(scope, ast, op, left, right);
}

/**
 * arithmetic builds (or folds) numeric arithmetic with SQL decimal typing. Constants fold exactly;
 * a constant meeting a non-constant operand must fit the signed 64 bits the program computes in.
 */
function arithmetic(scope: ExprScope, at: Span, op: '+' | '-' | '*', left: ValueExpr, right: ValueExpr): ValueExpr {
  const [a, b] = op === '*' ? [left, right] : align(scope, at, left, right);
  const type = arithmeticType(op, a, b);
  if (a.kind === 'constant' && b.kind === 'constant' && a.value.kind === 'number' && b.value.kind === 'number') {
    const x = a.value.units;
    const y = b.value.units;
    return numberExpr(op === '+' ? x + y : op === '-' ? x - y : x * y, type);
  }
  for (const operand of [a, b]) checkFits64(scope, at, operand);
  return { kind: 'arith', op, left: a, right: b, type, at: at.position };
}

/** checkFits64 refuses a numeric constant outside signed 64 bits where the program would have to load it. */
export function checkFits64(scope: ExprScope, at: Span, expr: ValueExpr): void {
  if (expr.kind !== 'constant' || expr.value.kind !== 'number') return;
  const units = expr.value.units;
  if (units < INT64_MIN || units > INT64_MAX) {
    fail(scope, at, `the constant ${units < 0n ? '-' : ''}${digitsText(units)} (in units of 10^-${scaleOf(expr.type)}) does not fit in the signed 64 bits the pushdown program computes in; use a smaller constant`);
  }
}

function digitsText(units: bigint): string {
  const text = (units < 0n ? -units : units).toString();
  return text.length > 24 ? `${text.slice(0, 10)}...(${text.length} digits)` : text;
}

/**
 * arithmeticType applies the SQL decimal rules: integer op integer is integer; otherwise
 * '+'/'-' keep the larger scale and add one digit of precision, '*' adds scales and precisions.
 */
function arithmeticType(op: '+' | '-' | '*', left: ValueExpr, right: ValueExpr): SqlType {
  if (left.type.kind === 'integer' && right.type.kind === 'integer') return INTEGER;
  const [ls, rs] = [scaleOf(left.type), scaleOf(right.type)];
  const [lp, rp] = [digitsOf(left), digitsOf(right)];
  if (op === '*') return decimalType(lp + rp, ls + rs);
  const scale = Math.max(ls, rs);
  return decimalType(Math.max(lp - ls, rp - rs) + scale + 1, scale);
}

/** digitsOf is the precision an operand needs: a constant's own digits, else its type's precision. */
function digitsOf(expr: ValueExpr): number {
  if (expr.kind === 'constant' && expr.value.kind === 'number') {
    const units = expr.value.units < 0n ? -expr.value.units : expr.value.units;
    return Math.max(units.toString().length, scaleOf(expr.type) + 1);
  }
  return precisionOf(expr.type);
}

/** align gives two numeric operands the same scale by scaling up the one with fewer fractional digits. */
function align(scope: ExprScope, at: Span, left: ValueExpr, right: ValueExpr): [ValueExpr, ValueExpr] {
  const scale = Math.max(scaleOf(left.type), scaleOf(right.type));
  return [toScale(scope, at, left, scale), toScale(scope, at, right, scale)];
}

/** MAX_RESCALE_DIGITS: 10^18 is the largest power of ten a signed 64-bit word holds. */
const MAX_RESCALE_DIGITS = 18;

/** toScale brings a numeric expression to `scale` fractional digits (a constant exactly, a value by a rescale). */
export function toScale(scope: ExprScope, at: Span, expr: ValueExpr, scale: number): ValueExpr {
  const digits = scale - scaleOf(expr.type);
  if (digits === 0 || !isNumeric(expr.type)) return expr;
  const type = decimalType(digitsOf(expr) + digits, scale);
  if (expr.kind === 'constant' && expr.value.kind === 'number') return numberExpr(expr.value.units * pow10(digits), type);
  if (digits > MAX_RESCALE_DIGITS) {
    fail(scope, at, `this needs a value scaled by 10^${digits}, beyond the signed 64 bits the pushdown program computes in; use constants with at most ${MAX_RESCALE_DIGITS} more fractional digits than the column`);
  }
  return { kind: 'rescale', operand: expr, digits, type };
}

const FLIPPED: Record<CompareOp, CompareOp> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * compare types a comparison. Constants go on the right (the operator flipped to match); a
 * comparison with a constant is made at the other side's scale when the constant has more fractional
 * digits (rounding it the way that keeps the answer exact), and is decided at compile time when the
 * constant lies outside signed 64 bits, where no value of the other side can be.
 */
function compare(scope: ExprScope, at: Span, written: CompareOp, leftIn: ValueExpr, rightIn: ValueExpr): Predicate {
  const swap = leftIn.kind === 'constant' && rightIn.kind !== 'constant';
  const op = swap ? FLIPPED[written] : written;
  const left = coerceToDate(scope, at, swap ? rightIn : leftIn, (swap ? leftIn : rightIn).type);
  const right = coerceToDate(scope, at, swap ? leftIn : rightIn, left.type);
  if (left.kind === 'constant' && right.kind === 'constant') {
    if (!comparable(left.type, right.type)) return fail(scope, at, `cannot compare ${typeName(left.type)} with ${typeName(right.type)}`);
    const [a, b] = isNumeric(left.type) ? align(scope, at, left, right) : [left, right];
    return truth(decideCompare(op, constantOf(a as ConstantExpr), constantOf(b as ConstantExpr)));
  }
  if (isNumeric(left.type) && isNumeric(right.type)) {
    if (right.kind === 'constant' && right.value.kind === 'number' && scaleOf(right.type) > scaleOf(left.type)) {
      const reduced = reduceConstant(op, right.value.units, scaleOf(right.type) - scaleOf(left.type));
      if (typeof reduced === 'boolean') return decidedFor(left, reduced);
      return compareConstant(op, left, numberExpr(reduced, left.type.kind === 'integer' ? INTEGER : decimalType(digitsOfUnits(reduced, scaleOf(left.type)), scaleOf(left.type))), at);
    }
    const [a, b] = align(scope, at, left, right);
    return compareConstant(op, a, b, at);
  }
  if (left.type.kind === 'date' && right.type.kind === 'date') return { kind: 'compare', op, left, right, at: at.position };
  if (isString(left.type) && isString(right.type)) {
    if (right.kind !== 'constant') {
      return fail(scope, at, 'comparing two string columns is not supported; compare each with a string constant');
    }
    if ((op === '=' || op === '<>') && right.value.kind === 'string' && longerThanColumn(left, right.value.bytes)) return decidedFor(left, op === '<>');
    return compareString(op, left, right, at);
  }
  return fail(scope, at, `cannot compare ${typeName(left.type)} with ${typeName(right.type)}`);
}

/**
 * compareString builds a string comparison with a constant (bytewise). Against the empty string, which
 * every string starts with, `<` never holds and `>=` always does (folded), `<=` is `=` and `>` is `<>`.
 */
function compareString(op: CompareOp, left: ValueExpr, right: ConstantExpr, at: Span): Predicate {
  if (right.value.kind === 'string' && right.value.bytes.length === 0) {
    if (op === '<' || op === '>=') return decidedFor(left, op === '>=');
    if (op === '<=' || op === '>') return { kind: 'compare', op: op === '<=' ? '=' : '<>', left, right, at: at.position };
  }
  return { kind: 'compare', op, left, right, at: at.position };
}

/** compareConstant builds a numeric comparison, decided now if its constant side is beyond 64 bits. */
function compareConstant(op: CompareOp, left: ValueExpr, right: ValueExpr, at: Span): Predicate {
  if (right.kind === 'constant' && right.value.kind === 'number') {
    const units = right.value.units;
    // Every value the left side yields fits in signed 64 bits (or the row stops with an overflow).
    if (units > INT64_MAX) return decidedFor(left, op === '<' || op === '<=' || op === '<>');
    if (units < INT64_MIN) return decidedFor(left, op === '>' || op === '>=' || op === '<>');
  }
  return { kind: 'compare', op, left, right, at: at.position };
}

/**
 * reduceConstant re-expresses `x * 10^digits op c` as `x op' c'` with c' at x's scale, exactly:
 * a boolean when the answer is the same for every integer x.
 */
function reduceConstant(op: CompareOp, c: bigint, digits: number): bigint | boolean {
  const factor = pow10(digits);
  const floor = c >= 0n ? c / factor : -((-c + factor - 1n) / factor);
  const exact = floor * factor === c;
  const ceil = exact ? floor : floor + 1n;
  switch (op) {
    case '=':
      return exact ? floor : false;
    case '<>':
      return exact ? floor : true;
    case '<':
    case '>=':
      return ceil;
    case '<=':
    case '>':
      return floor;
  }
}

function digitsOfUnits(units: bigint, scale: number): number {
  return Math.max((units < 0n ? -units : units).toString().length, scale + 1);
}

function comparable(a: SqlType, b: SqlType): boolean {
  return (isNumeric(a) && isNumeric(b)) || (a.kind === 'date' && b.kind === 'date') || (isString(a) && isString(b));
}

function constantOf(expr: ConstantExpr): Constant {
  return expr.value;
}

/** coerceToDate reads a string constant as a date when it is compared with a date ('1998-09-02'). */
function coerceToDate(scope: ExprScope, at: Span, expr: ValueExpr, otherType: SqlType): ValueExpr {
  if (otherType.kind !== 'date' || expr.kind !== 'constant' || expr.value.kind !== 'string') return expr;
  const days = parseDateDays(expr.value.text);
  if (days === undefined) fail(scope, at, `invalid date '${expr.value.text}' (expected a real date as YYYY-MM-DD)`);
  return dateConstant(BigInt(days as number));
}

function bindIn(scope: ExprScope, at: Span, operand: ValueExpr, list: readonly AstExpr[]): Predicate {
  const items = list.map((ast) => {
    const value = coerceToDate(scope, ast, bindValue(scope, ast), operand.type);
    if (value.kind !== 'constant') fail(scope, ast, 'IN lists may hold constants only');
    if (!comparable(operand.type, value.type)) fail(scope, ast, `cannot compare ${typeName(operand.type)} with ${typeName(value.type)}`);
    return value as ConstantExpr;
  });
  if (operand.kind === 'constant') {
    return anyOf(items.map((item) => compare(scope, at, '=', operand, item)), at.position);
  }
  if (isNumeric(operand.type)) {
    // Each value is re-expressed at the operand's scale; one that no value of the operand can equal drops out.
    const values: Constant[] = [];
    for (const item of items) {
      const test = compare(scope, at, '=', operand, item);
      if (test.kind === 'compare' && test.right.kind === 'constant') values.push(test.right.value);
    }
    if (values.length === 0) return decidedFor(operand, false);
    return { kind: 'in', operand, values, at: at.position };
  }
  // A string longer than the column's declared length equals no value of it.
  const values = items.map((item) => item.value).filter((value) => value.kind !== 'string' || !longerThanColumn(operand, value.bytes));
  if (values.length === 0) return decidedFor(operand, false);
  return { kind: 'in', operand, values, at: at.position };
}

function bindLike(scope: ExprScope, at: Span, operandAst: AstExpr, patternAst: AstExpr): Predicate {
  const operand = bindValue(scope, operandAst);
  if (!isString(operand.type)) fail(scope, operandAst, `LIKE needs a string, found ${typeName(operand.type)}`);
  if (patternAst.kind !== 'string') return fail(scope, patternAst, 'LIKE needs a string literal pattern');
  const pattern = patternAst.text;
  const patternBytes = new TextEncoder().encode(pattern);
  if (patternBytes.length > MAX_LIKE_PATTERN_BYTES) {
    fail(scope, patternAst, `this LIKE pattern has ${patternBytes.length} bytes; at most ${MAX_LIKE_PATTERN_BYTES} are supported`);
  }
  if (operand.kind === 'constant' && operand.value.kind === 'string') return truth(likeMatches(operand.value.bytes, patternBytes));
  // Consecutive '%' are one '%': empty segments between two '%' drop out.
  const split = likeSegments(patternBytes);
  const segments = split.filter((segment, i) => segment.length > 0 || i === 0 || i === split.length - 1);
  // '%' (and '%%') match every string: decided now, so no code tests them.
  if (segments.length > 1 && segments.every((segment) => segment.length === 0)) return decidedFor(operand, true);
  // No value of a column declared shorter than the pattern's fixed bytes holds it ('_' is at least one byte).
  const fixed = segments.reduce((sum, segment) => sum + segment.length, 0);
  if (longerThanColumn(operand, new Uint8Array(fixed))) return decidedFor(operand, false);
  const shape = likeShape(segments);
  const literal = shape === 'pattern' ? patternBytes : (segments.find((segment) => segment.length > 0) ?? new Uint8Array(0));
  const text = new TextDecoder().decode(literal);
  return { kind: 'like', operand, match: shape, text, bytes: literal, pattern, segments, at: at.position };
}

/** likeShape names the four shapes the code generator matches with fixed code; the rest are 'pattern'. */
function likeShape(segments: readonly Uint8Array[]): LikeMatch {
  if (segments.some((segment) => segment.includes(UNDERSCORE))) return 'pattern';
  const [first, second, third] = segments as [Uint8Array, Uint8Array?, Uint8Array?];
  if (segments.length === 1) return 'exact';
  if (segments.length === 2) return first.length === 0 ? 'suffix' : second?.length === 0 ? 'prefix' : 'pattern';
  return segments.length === 3 && first.length === 0 && third?.length === 0 ? 'infix' : 'pattern';
}

function numberConstant(scope: ExprScope, at: Span, text: string): ConstantExpr {
  const scale = fractionDigits(text);
  const units = parseDecimalUnits(text, scale);
  if (units === undefined) return fail(scope, at, `invalid number ${text}`);
  const digits = Math.max(units.toString().length, scale + 1);
  return numberExpr(units, scale === 0 ? INTEGER : decimalType(digits, scale));
}

function numberExpr(units: bigint, type: SqlType): ConstantExpr {
  return { kind: 'constant', value: { kind: 'number', units, type }, type };
}

function dateConstant(days: bigint): ConstantExpr {
  const value: Constant = { kind: 'date', days, type: DATE };
  return { kind: 'constant', value, type: DATE };
}

function stringConstant(text: string): ConstantExpr {
  const bytes = new TextEncoder().encode(text);
  const type: SqlType = { kind: 'varchar', length: bytes.length };
  return { kind: 'constant', value: { kind: 'string', text, bytes, type }, type };
}

function fail(scope: ExprScope, at: Span, reason: string): never {
  throw new QueryError(scope.file, at.position, reason);
}
