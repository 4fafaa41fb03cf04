// Binds EXTRACT(year|month|day FROM d): of a date column it is computed in the storage program; of a date constant it folds.
import type { AstExpr } from './ast.js';
import { bindValue, type ExprScope } from './bind-expr.js';
import { QueryError } from './errors.js';
import type { ValueExpr } from './plan.js';
import { civilFromDays } from '../values/calendar.js';
import { INTEGER, typeName } from '../values/types.js';

type ExtractAst = Extract<AstExpr, { kind: 'extract' }>;

/** bindExtract types an EXTRACT; `text` is the expression as written (its name as a group key). */
export function bindExtract(scope: ExprScope, ast: ExtractAst, text: string): ValueExpr {
  const operand = bindValue(scope, ast.operand);
  if (operand.type.kind !== 'date') throw new QueryError(scope.file, ast.operand.position, `EXTRACT needs a date, found ${typeName(operand.type)}`);
  if (operand.kind === 'constant' && operand.value.kind === 'date') {
    const units = BigInt(civilFromDays(Number(operand.value.days))[ast.field]);
    return { kind: 'constant', value: { kind: 'number', units, type: INTEGER }, type: INTEGER };
  }
  if (operand.kind !== 'column') {
    throw new QueryError(scope.file, ast.operand.position, 'EXTRACT reads a date column (or a date constant) here; compare the column with date constants instead of extracting from an expression');
  }
  return { kind: 'extract', field: ast.field, operand, name: text.toLowerCase(), type: INTEGER, at: ast.position };
}
