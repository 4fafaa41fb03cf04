// Expressions over aggregates and group keys (SELECT items, HAVING), typed here and computed on the compute node after the merge.
import type { AstExpr } from './ast.js';
import { bindValue, type ExprScope } from './bind-expr.js';
import { QueryError, type SourcePosition } from './errors.js';
import type { CompareOp, GroupKey, ValueExpr } from './plan.js';
import { byteString } from '../values/bytes.js';
import { parseDateDays } from '../values/calendar.js';
import { INTEGER, MAX_DECIMAL_PRECISION, decimalType, isNumeric, isString, scaleOf, typeName, type SqlType, type Value } from '../values/types.js';

/** DIVISION_EXTRA_SCALE is how many fractional digits a quotient has beyond the larger of its operands' scales (as AVG adds). */
export const DIVISION_EXTRA_SCALE = 4;

/** DIVISION_NOTE states how `/` rounds and what division by zero gives; results and explain show it where a query divides. */
export const DIVISION_NOTE = `a / b is computed exactly and rounded half away from zero to ${DIVISION_EXTRA_SCALE} more fractional digits than the larger of its operands' scales; division by zero gives NULL`;

/**
 * PostExpr is a value computed per group after the merge, from the group's key values and final
 * aggregate values, in exact arbitrary-precision arithmetic (results must fit DECIMAL(38)).
 * Numbers are units at their type's scale; a NULL operand makes arithmetic NULL.
 */
export type PostExpr =
  | { readonly kind: 'aggregate'; readonly index: number; readonly type: SqlType }
  | { readonly kind: 'group'; readonly index: number; readonly type: SqlType }
  | { readonly kind: 'constant'; readonly value: Value; readonly type: SqlType }
  | { readonly kind: 'arith'; readonly op: '+' | '-' | '*' | '/'; readonly left: PostExpr; readonly right: PostExpr; readonly type: SqlType; readonly at: SourcePosition }
  | { readonly kind: 'cast'; readonly operand: PostExpr; readonly type: SqlType }
  | { readonly kind: 'case'; readonly whens: readonly { readonly when: PostPredicate; readonly then: PostExpr }[]; readonly otherwise?: PostExpr; readonly type: SqlType };

/** PostPredicate is a condition over a group (HAVING, a CASE over aggregates), in SQL's three-valued logic. */
export type PostPredicate =
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: PostExpr; readonly right: PostExpr }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly PostPredicate[] }
  | { readonly kind: 'not'; readonly operand: PostPredicate };

/** PostScope is what a post-aggregate expression can name: the group keys, and aggregates (registered on first use). */
export interface PostScope {
  readonly rows: ExprScope;
  readonly groupBy: readonly GroupKey[];
  /** aggregate binds an aggregate call and returns its index and result type. */
  aggregate(ast: Extract<AstExpr, { kind: 'aggregate' }>): { index: number; type: SqlType };
}

/** bindPost types an expression over aggregates and group keys. */
export function bindPost(scope: PostScope, ast: AstExpr): PostExpr {
  switch (ast.kind) {
    case 'aggregate': {
      const { index, type } = scope.aggregate(ast);
      return { kind: 'aggregate', index, type };
    }
    case 'identifier':
    case 'extract':
    case 'substring': {
      const key = bindValue(scope.rows, ast);
      if (key.kind === 'constant' && key.value.kind === 'number') return { kind: 'constant', value: key.value.units, type: key.type };
      const index = scope.groupBy.findIndex((group) => sameGroupKey(group, key));
      const what = key.kind === 'column' ? `column '${key.name}'` : 'this expression';
      if (index < 0) fail(scope, ast, `${what} must appear in GROUP BY or be used in an aggregate`);
      return { kind: 'group', index, type: key.type };
    }
    case 'number':
    case 'string':
    case 'date': {
      const constant = bindValue(scope.rows, ast);
      if (constant.kind !== 'constant') return fail(scope, ast, 'expected a constant');
      const value = constant.value;
      return { kind: 'constant', value: value.kind === 'number' ? value.units : value.kind === 'date' ? value.days : byteString(value.bytes), type: constant.type };
    }
    case 'negate':
      return arith(scope, ast, '-', { kind: 'constant', value: 0n, type: INTEGER }, bindPost(scope, ast.operand));
    case 'arith':
      return arith(scope, ast, ast.op, bindPost(scope, ast.left), bindPost(scope, ast.right));
    case 'case':
      return groupCase(scope, ast) ?? postCase(scope, ast);
    case 'cast': {
      const operand = bindPost(scope, ast.operand);
      if (ast.target.kind === 'date' && operand.type.kind === 'date') return operand;
      if (!isNumeric(ast.target) || !isNumeric(operand.type)) return fail(scope, ast, `CAST over aggregates converts numbers only; cannot CAST ${typeName(operand.type)} to ${typeName(ast.target)}`);
      return { kind: 'cast', operand, type: ast.target };
    }
    default:
      return fail(scope, ast, `${ast.kind === 'interval' ? 'an interval' : 'a condition'} cannot be used as a value over aggregates here`);
  }
}

/**
 * groupCase is a CASE over the row that is a GROUP BY key, as that key; undefined for any other CASE (one over
 * aggregates). The key may be what the CASE folded into (a column, a SUBSTRING: its other WHENs decided).
 */
function groupCase(scope: PostScope, ast: AstExpr): PostExpr | undefined {
  if (scope.groupBy.length === 0) return undefined;
  let bound: ValueExpr;
  try {
    bound = bindValue(scope.rows, ast);
  } catch (error) {
    if (error instanceof QueryError) return undefined;
    throw error;
  }
  const index = scope.groupBy.findIndex((group) => sameGroupKey(group, bound));
  return index < 0 ? undefined : { kind: 'group', index, type: bound.type };
}

/** bindPostPredicate types a condition over aggregates and group keys (comparison, BETWEEN, IN, AND, OR, NOT). */
export function bindPostPredicate(scope: PostScope, ast: AstExpr): PostPredicate {
  switch (ast.kind) {
    case 'compare':
      return compare(scope, ast, ast.op, bindPost(scope, ast.left), bindPost(scope, ast.right));
    case 'between': {
      const operand = bindPost(scope, ast.operand);
      const range: PostPredicate = { kind: 'and', operands: [compare(scope, ast, '>=', operand, bindPost(scope, ast.low)), compare(scope, ast, '<=', operand, bindPost(scope, ast.high))] };
      return ast.negated ? { kind: 'not', operand: range } : range;
    }
    case 'in': {
      const operand = bindPost(scope, ast.operand);
      const any: PostPredicate = { kind: 'or', operands: ast.list.map((item) => compare(scope, item, '=', operand, bindPost(scope, item))) };
      return ast.negated ? { kind: 'not', operand: any } : any;
    }
    case 'and':
    case 'or':
      return { kind: ast.kind, operands: [bindPostPredicate(scope, ast.left), bindPostPredicate(scope, ast.right)] };
    case 'not':
      return { kind: 'not', operand: bindPostPredicate(scope, ast.operand) };
    case 'like':
      return fail(scope, ast, 'LIKE over aggregates or group keys is not supported here; put it in WHERE');
    default:
      return fail(scope, ast, 'expected a condition (a comparison, BETWEEN, IN, AND, OR or NOT)');
  }
}

function arith(scope: PostScope, at: AstExpr, op: '+' | '-' | '*' | '/', left: PostExpr, right: PostExpr): PostExpr {
  if (!isNumeric(left.type) || !isNumeric(right.type)) fail(scope, at, `cannot apply '${op}' to ${typeName(left.type)} and ${typeName(right.type)}`);
  const [ls, rs] = [scaleOf(left.type), scaleOf(right.type)];
  const scale = op === '*' ? ls + rs : op === '/' ? Math.max(ls, rs) + DIVISION_EXTRA_SCALE : Math.max(ls, rs);
  if (scale > MAX_DECIMAL_PRECISION) fail(scope, at, `this result would need ${scale} fractional digits, more than DECIMAL(${MAX_DECIMAL_PRECISION}) holds; multiply fewer decimals together`);
  const integer = op !== '/' && left.type.kind === 'integer' && right.type.kind === 'integer';
  return { kind: 'arith', op, left, right, type: integer ? INTEGER : decimalType(MAX_DECIMAL_PRECISION, scale), at: at.position };
}

function postCase(scope: PostScope, ast: Extract<AstExpr, { kind: 'case' }>): PostExpr {
  const whens = ast.whens.map((branch) => ({ when: bindPostPredicate(scope, branch.when), then: bindPost(scope, branch.then) }));
  const otherwise = ast.otherwise === undefined ? undefined : bindPost(scope, ast.otherwise);
  const types = [...whens.map((branch) => branch.then.type), ...(otherwise === undefined ? [] : [otherwise.type])];
  const first = types[0] as SqlType;
  let type: SqlType = first;
  if (types.every(isNumeric)) {
    const scale = Math.max(...types.map(scaleOf));
    type = types.every((t) => t.kind === 'integer') ? INTEGER : decimalType(MAX_DECIMAL_PRECISION, scale);
  } else if (!types.every((t) => (isString(t) && isString(first)) || t.kind === first.kind)) {
    fail(scope, ast, `the branches of this CASE must all be numbers, all dates or all strings; found ${types.map(typeName).join(', ')}`);
  } else if (isString(first)) {
    type = { kind: 'varchar' };
  }
  return { kind: 'case', whens, ...(otherwise !== undefined && { otherwise }), type };
}

function compare(scope: PostScope, at: AstExpr, op: CompareOp, leftIn: PostExpr, rightIn: PostExpr): PostPredicate {
  const left = asDate(scope, at, leftIn, rightIn.type);
  const right = asDate(scope, at, rightIn, left.type);
  const comparable = (isNumeric(left.type) && isNumeric(right.type)) || (left.type.kind === 'date' && right.type.kind === 'date') || (isString(left.type) && isString(right.type));
  if (!comparable) fail(scope, at, `cannot compare ${typeName(left.type)} with ${typeName(right.type)}`);
  return { kind: 'compare', op, left, right };
}

/** asDate reads a string constant as a date where it is compared with a date. */
function asDate(scope: PostScope, at: AstExpr, expr: PostExpr, other: SqlType): PostExpr {
  if (other.kind !== 'date' || expr.kind !== 'constant' || typeof expr.value !== 'string') return expr;
  const days = parseDateDays(expr.value);
  if (days === undefined) fail(scope, at, `invalid date '${expr.value}' (expected a real date as YYYY-MM-DD)`);
  return { kind: 'constant', value: BigInt(days as number), type: { kind: 'date' } };
}

/** sameGroupKey says whether a bound expression is the group key `key` (the same column, or the same expression over the row). */
export function sameGroupKey(key: GroupKey, expr: ValueExpr): boolean {
  if (key.kind === 'column') return expr.kind === 'column' && expr.column === key.column;
  return expr.kind === key.kind && expressionKey(expr) === expressionKey(key);
}

/** expressionKey is a canonical text of a bound row expression, equal for equal expressions wherever written. */
export function expressionKey(expr: ValueExpr): string {
  return JSON.stringify(expr, (key, v: unknown) => (key === 'at' || key === 'name' ? undefined : typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
}

/** postDivides says whether an expression or condition divides somewhere (so results carry DIVISION_NOTE). */
export function postDivides(expr: PostExpr | PostPredicate): boolean {
  switch (expr.kind) {
    case 'arith':
      return expr.op === '/' || postDivides(expr.left) || postDivides(expr.right);
    case 'case':
      return expr.whens.some((branch) => postDivides(branch.when) || postDivides(branch.then)) || (expr.otherwise !== undefined && postDivides(expr.otherwise));
    case 'cast':
      return postDivides(expr.operand);
    case 'compare':
      return postDivides(expr.left) || postDivides(expr.right);
    case 'and':
    case 'or':
      return expr.operands.some(postDivides);
    case 'not':
      return postDivides(expr.operand);
    default:
      return false;
  }
}

function fail(scope: PostScope, at: AstExpr, reason: string): never {
  throw new QueryError(scope.rows.file, at.position, reason);
}
