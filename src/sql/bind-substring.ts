// Binds SUBSTRING(s FROM a [FOR n]) and SUBSTRING(s, a [, n]): a string column, integer constants, SQL's rules.
import type { AstExpr } from './ast.js';
import { bindValue, type ExprScope } from './bind-expr.js';
import { QueryError } from './errors.js';
import type { SubstringExpr } from './plan.js';
import { MAX_CONTINUATION_BYTES } from '../values/like.js';
import { substringCharacters } from '../values/substring.js';
import { isString, typeName } from '../values/types.js';

type SubstringAst = Extract<AstExpr, { kind: 'substring' }>;

/** MAX_SUBSTRING_POSITION bounds SUBSTRING's start and length: no string a row holds has more characters. */
const MAX_SUBSTRING_POSITION = 65_536;

/**
 * bindSubstring types a SUBSTRING of a string column: characters numbered from 1 (a start at or below 0
 * counts positions before the first, as SQL says); a negative length is an error in SQL and refused here.
 * Its type is a varchar of at most the column's declared length, and of at most 4 bytes per character taken.
 */
export function bindSubstring(scope: ExprScope, ast: SubstringAst, name: string): SubstringExpr {
  const operand = bindValue(scope, ast.operand);
  if (operand.kind !== 'column' || !isString(operand.type)) {
    return fail(scope, ast.operand, `SUBSTRING takes a string column, found ${operand.kind === 'column' ? typeName(operand.type) : 'an expression'}`);
  }
  const start = integerConstant(scope, ast.from, 'start');
  const count = ast.count === undefined ? undefined : integerConstant(scope, ast.count, 'length');
  if (count !== undefined && count < 0) fail(scope, ast.count as AstExpr, `SUBSTRING with a negative length (${count}) is an error in SQL`);
  const [skip, end] = substringCharacters(start, count);
  const declared = operand.type.kind === 'char' || operand.type.kind === 'varchar' ? operand.type.length : undefined;
  const most = end === undefined ? undefined : (end - skip) * (1 + MAX_CONTINUATION_BYTES);
  const length = declared === undefined ? most : most === undefined ? declared : Math.min(declared, most);
  return { kind: 'substring', operand, start, ...(count !== undefined && { count }), name, type: { kind: 'varchar', ...(length !== undefined && { length }) }, at: ast.position };
}

function integerConstant(scope: ExprScope, ast: AstExpr, what: string): number {
  const value = bindValue(scope, ast);
  if (value.kind !== 'constant' || value.value.kind !== 'number' || value.type.kind !== 'integer') {
    return fail(scope, ast, `SUBSTRING's ${what} must be an integer constant`);
  }
  const units = value.value.units;
  if (units < -MAX_SUBSTRING_POSITION || units > MAX_SUBSTRING_POSITION) fail(scope, ast, `SUBSTRING's ${what} must be between -${MAX_SUBSTRING_POSITION} and ${MAX_SUBSTRING_POSITION}`);
  return Number(units);
}

function fail(scope: ExprScope, at: AstExpr, reason: string): never {
  throw new QueryError(scope.file, at.position, reason);
}
