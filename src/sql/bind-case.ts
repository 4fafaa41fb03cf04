// Binds a row-level CASE: conditions typed as predicates, branch values brought to one type and scale.
import type { AstExpr } from './ast.js';
import { bindPredicate, bindValue, checkFits64, toScale, type ExprScope } from './bind-expr.js';
import { QueryError } from './errors.js';
import type { Predicate, ValueExpr } from './plan.js';
import { neverTrue } from './jump-outcome.js';
import { DATE, INTEGER, decimalType, isNumeric, isString, precisionOf, scaleOf, typeName, type SqlType } from '../values/types.js';

type CaseAst = Extract<AstExpr, { kind: 'case' }>;

/**
 * bindCase types a CASE over one row. A WHEN that can never be true drops out; one decided
 * true ends the CASE there (it becomes the ELSE). Branch values must all be numbers (brought to the
 * largest scale among them) or all dates; a CASE without ELSE is NULL where no WHEN holds.
 */
export function bindCase(scope: ExprScope, ast: CaseAst): ValueExpr {
  let otherwise = ast.otherwise === undefined ? undefined : bindValue(scope, ast.otherwise);
  const branches: { when: Predicate; then: ValueExpr }[] = [];
  let decided = false;
  for (const branch of ast.whens) {
    const when = bindPredicate(scope, branch.when);
    const then = bindValue(scope, branch.then);
    if (decided || neverTrue(when)) continue;
    if (when.kind === 'truth') {
      otherwise = then;
      decided = true;
      continue;
    }
    branches.push({ when, then });
  }
  const values = [...branches.map((branch) => branch.then), ...(otherwise === undefined ? [] : [otherwise])];
  if (values.length === 0) return fail(scope, ast, 'this CASE is always NULL (no WHEN can hold and there is no ELSE); remove it or add an ELSE');
  const type = branchType(scope, ast, values);
  const aligned = (value: ValueExpr): ValueExpr => {
    const scaled = isNumeric(type) ? toScale(scope, ast, value, scaleOf(type)) : value;
    checkFits64(scope, ast, scaled);
    return scaled;
  };
  if (branches.length === 0) return aligned(otherwise as ValueExpr);
  return {
    kind: 'case',
    whens: branches.map((branch) => ({ when: branch.when, then: aligned(branch.then) })),
    ...(otherwise !== undefined && { otherwise: aligned(otherwise) }),
    type,
    at: ast.position,
  };
}

function branchType(scope: ExprScope, ast: CaseAst, values: readonly ValueExpr[]): SqlType {
  const first = values[0] as ValueExpr;
  if (values.every((value) => value.type.kind === 'date')) return DATE;
  if (values.every((value) => isString(value.type))) {
    const lengths = values.map((value) => (value.type.kind === 'char' || value.type.kind === 'varchar' ? value.type.length : undefined));
    if (lengths.some((length) => length === undefined)) return { kind: 'varchar' };
    return { kind: 'varchar', length: Math.max(...(lengths as number[])) };
  }
  const text = values.find((value) => isString(value.type));
  if (text !== undefined) return fail(scope, ast, `the branches of this CASE must all be strings, all numbers or all dates; found ${typeName(first.type)} and ${typeName((first === text ? values.find((value) => !isString(value.type)) ?? first : text).type)}`);
  const other = values.find((value) => isNumeric(value.type) !== isNumeric(first.type));
  if (other !== undefined) return fail(scope, ast, `the branches of this CASE must all be numbers or all dates; found ${typeName(first.type)} and ${typeName(other.type)}`);
  if (values.every((value) => value.type.kind === 'integer')) return INTEGER;
  const scale = Math.max(...values.map((value) => scaleOf(value.type)));
  const digits = Math.max(...values.map((value) => precisionOf(value.type) - scaleOf(value.type)));
  return decimalType(Math.min(digits + scale, 38), scale);
}

function fail(scope: ExprScope, at: { position: AstExpr['position'] }, reason: string): never {
  throw new QueryError(scope.file, at.position, reason);
}
