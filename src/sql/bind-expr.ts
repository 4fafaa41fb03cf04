// Resolves and types expressions: column lookup, SQL decimal rules, scale alignment, constant folding.
import type { AstExpr, IntervalUnit, Span } from './ast.js';
import { addMonths, parseDateDays } from '../values/calendar.js';
import { fractionDigits, parseDecimalUnits, pow10 } from '../values/decimal.js';
import { QueryError } from './errors.js';
import type { ColumnDef, ColumnRef, CompareOp, Constant, ConstantExpr, LikeMatch, Predicate, ValueExpr } from './plan.js';
import { didYouMean } from './suggest.js';
import {
  DATE, INT64_MAX, INT64_MIN, INTEGER, decimalType, isNumeric, isString, precisionOf, scaleOf, typeName,
  type SqlType,
} from '../values/types.js';

/** ExprScope is what expressions can refer to: the table's columns; `file` names the query in errors. */
export interface ExprScope {
  readonly file: string;
  readonly columns: readonly ColumnDef[];
}

interface Interval {
  readonly kind: 'interval';
  readonly amount: number;
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
      const range: Predicate = {
        kind: 'and',
        operands: [
          compare(scope, ast.low, '>=', operand, bindValue(scope, ast.low)),
          compare(scope, ast.high, '<=', operand, bindValue(scope, ast.high)),
        ],
      };
      return ast.negated ? { kind: 'not', operand: range } : range;
    }
    case 'in': {
      const membership = bindIn(scope, bindValue(scope, ast.operand), ast.list);
      return ast.negated ? { kind: 'not', operand: membership } : membership;
    }
    case 'like': {
      const match = bindLike(scope, ast.operand, ast.pattern);
      return ast.negated ? { kind: 'not', operand: match } : match;
    }
    case 'and':
    case 'or': {
      const operands = [bindPredicate(scope, ast.left), bindPredicate(scope, ast.right)].flatMap((operand) =>
        operand.kind === ast.kind ? operand.operands : [operand],
      );
      return { kind: ast.kind, operands };
    }
    case 'not':
      return { kind: 'not', operand: bindPredicate(scope, ast.operand) };
    default:
      return fail(scope, ast, 'expected a condition (a comparison, BETWEEN, IN or LIKE)');
  }
}

function bindOperand(scope: ExprScope, ast: AstExpr): ValueExpr | Interval {
  switch (ast.kind) {
    case 'identifier':
      return bindColumn(scope, ast, ast.name);
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
      return { kind: 'interval', amount: Number(ast.text), unit: ast.unit };
    }
    case 'negate': {
      const operand = bindValue(scope, ast.operand);
      if (!isNumeric(operand.type)) fail(scope, ast, `cannot negate a ${typeName(operand.type)}`);
      return arithmetic(scope, ast, '-', numberExpr(0n, INTEGER), operand);
    }
    case 'arith':
      return bindArith(scope, ast, ast.op, ast.left, ast.right);
    case 'aggregate':
      return fail(scope, ast, 'an aggregate cannot be used here');
    default:
      return fail(scope, ast, 'a condition cannot be used as a value here');
  }
}

function bindColumn(scope: ExprScope, ast: Span, name: string): ColumnRef {
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
      return fail(scope, ast, 'intervals can only be added to or subtracted from a date constant');
    }
    if (date.kind !== 'constant' || date.value.kind !== 'date') {
      return fail(scope, dateAst, 'interval arithmetic is only supported on date constants (e.g. date \'1998-12-01\' - interval \'90\' day)');
    }
    const amount = op === '-' ? -interval.amount : interval.amount;
    const days = Number(date.value.days);
    const moved = interval.unit === 'day' ? days + amount : addMonths(days, interval.unit === 'month' ? amount : amount * 12);
    return dateConstant(BigInt(moved));
  }
  if (!isNumeric(left.type) || !isNumeric(right.type)) {
    return fail(scope, ast, `cannot apply '${op}' to ${typeName(left.type)} and ${typeName(right.type)}`);
  }
  return arithmetic(scope, ast, op, left, right);
}

/** arithmetic builds (or folds) numeric arithmetic with SQL decimal typing. */
function arithmetic(scope: ExprScope, at: Span, op: '+' | '-' | '*', left: ValueExpr, right: ValueExpr): ValueExpr {
  const [a, b] = op === '*' ? [left, right] : align(left, right);
  const type = arithmeticType(op, a, b);
  if (a.kind === 'constant' && b.kind === 'constant' && a.value.kind === 'number' && b.value.kind === 'number') {
    const x = a.value.units;
    const y = b.value.units;
    const units = op === '+' ? x + y : op === '-' ? x - y : x * y;
    if (units < INT64_MIN || units > INT64_MAX) fail(scope, at, 'constant does not fit in 64 bits');
    return numberExpr(units, type);
  }
  return { kind: 'arith', op, left: a, right: b, type };
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
function align(left: ValueExpr, right: ValueExpr): [ValueExpr, ValueExpr] {
  const scale = Math.max(scaleOf(left.type), scaleOf(right.type));
  return [toScale(left, scale), toScale(right, scale)];
}

function toScale(expr: ValueExpr, scale: number): ValueExpr {
  const digits = scale - scaleOf(expr.type);
  if (digits === 0 || !isNumeric(expr.type)) return expr;
  const type = decimalType(digitsOf(expr) + digits, scale);
  if (expr.kind === 'constant' && expr.value.kind === 'number') return numberExpr(expr.value.units * pow10(digits), type);
  return { kind: 'rescale', operand: expr, digits, type };
}

function compare(scope: ExprScope, at: Span, op: CompareOp, left: ValueExpr, right: ValueExpr): Predicate {
  const l = coerceToDate(scope, at, left, right.type);
  const r = coerceToDate(scope, at, right, left.type);
  if (isNumeric(l.type) && isNumeric(r.type)) {
    const [a, b] = align(l, r);
    return { kind: 'compare', op, left: a, right: b };
  }
  if ((l.type.kind === 'date' && r.type.kind === 'date') || (isString(l.type) && isString(r.type))) {
    return { kind: 'compare', op, left: l, right: r };
  }
  return fail(scope, at, `cannot compare ${typeName(l.type)} with ${typeName(r.type)}`);
}

/** coerceToDate reads a string constant as a date when it is compared with a date ('1998-09-02'). */
function coerceToDate(scope: ExprScope, at: Span, expr: ValueExpr, otherType: SqlType): ValueExpr {
  if (otherType.kind !== 'date' || expr.kind !== 'constant' || expr.value.kind !== 'string') return expr;
  const days = parseDateDays(expr.value.text);
  if (days === undefined) fail(scope, at, `invalid date '${expr.value.text}' (expected a real date as YYYY-MM-DD)`);
  return dateConstant(BigInt(days as number));
}

function bindIn(scope: ExprScope, operand: ValueExpr, list: readonly AstExpr[]): Predicate {
  const items = list.map((ast) => {
    const value = coerceToDate(scope, ast, bindValue(scope, ast), operand.type);
    if (value.kind !== 'constant') fail(scope, ast, 'IN lists may hold constants only');
    const compatible =
      (isNumeric(operand.type) && isNumeric(value.type)) ||
      (operand.type.kind === 'date' && value.type.kind === 'date') ||
      (isString(operand.type) && isString(value.type));
    if (!compatible) fail(scope, ast, `cannot compare ${typeName(operand.type)} with ${typeName(value.type)}`);
    return value as ConstantExpr;
  });
  const scale = Math.max(scaleOf(operand.type), ...items.map((item) => scaleOf(item.type)));
  const values = items.map((item) => (toScale(item, scale) as ConstantExpr).value);
  return { kind: 'in', operand: toScale(operand, scale), values };
}

function bindLike(scope: ExprScope, operandAst: AstExpr, patternAst: AstExpr): Predicate {
  const operand = bindValue(scope, operandAst);
  if (!isString(operand.type)) fail(scope, operandAst, `LIKE needs a string, found ${typeName(operand.type)}`);
  if (patternAst.kind !== 'string') return fail(scope, patternAst, 'LIKE needs a string literal pattern');
  const pattern = patternAst.text;
  if (pattern.includes('_')) fail(scope, patternAst, "LIKE patterns with '_' are not supported (use 'abc%', '%abc' or '%abc%')");
  const leading = pattern.startsWith('%');
  const trailing = pattern.length > (leading ? 1 : 0) && pattern.endsWith('%');
  const text = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (text.includes('%')) fail(scope, patternAst, "only prefix, suffix or infix LIKE patterns ('abc%', '%abc', '%abc%') are supported");
  const match: LikeMatch = leading && trailing ? 'infix' : leading ? (text === '' ? 'infix' : 'suffix') : trailing ? 'prefix' : 'exact';
  return { kind: 'like', operand, match, text, bytes: new TextEncoder().encode(text) };
}

function numberConstant(scope: ExprScope, at: Span, text: string): ConstantExpr {
  const scale = fractionDigits(text);
  const units = parseDecimalUnits(text, scale);
  if (units === undefined) return fail(scope, at, `invalid number ${text}`);
  if (units > INT64_MAX) fail(scope, at, `number ${text} does not fit in 64 bits`);
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
