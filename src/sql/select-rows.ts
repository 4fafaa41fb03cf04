// Binds a plain row selection (SELECT col, expr, … FROM t WHERE … ORDER BY … LIMIT n): the values each kept row returns.
import type { AstExpr, SelectStatement } from './ast.js';
import { bindValue, checkFits64, type ExprScope } from './bind-expr.js';
import { QueryError } from './errors.js';
import type { OutputColumn, RowSelection, ValueExpr } from './plan.js';

/** BoundRows is a row selection's outputs (each the value of the same index) and what the storage program returns. */
export interface BoundRows {
  readonly outputs: readonly OutputColumn[];
  readonly selection: RowSelection;
}

/**
 * bindRowSelection binds the SELECT list as per-row values and ORDER BY as keys over them: an output
 * position, an output name or alias, or any expression over the table's columns (one not selected is
 * returned as a hidden value and dropped after sorting). `text` gives an expression's SQL text.
 */
export function bindRowSelection(scope: ExprScope, statement: SelectStatement, text: (expr: AstExpr) => string): BoundRows {
  const values: ValueExpr[] = [];
  const keys: string[] = [];
  const valueOf = (ast: AstExpr): number => {
    const value = returned(scope, ast);
    const key = valueKey(value);
    const seen = keys.indexOf(key);
    if (seen >= 0 && seen < statement.items.length) return seen;
    values.push(value);
    keys.push(key);
    return values.length - 1;
  };
  const outputs = statement.items.map((item): OutputColumn => {
    const value = returned(scope, item.expr);
    values.push(value);
    keys.push(valueKey(value));
    const name = item.alias ?? (item.expr.kind === 'identifier' ? item.expr.name : text(item.expr));
    return { name, source: { kind: 'row', index: values.length - 1 }, type: value.type };
  });
  const order = statement.orderBy.map((item) => {
    const { expr } = item;
    if (expr.kind === 'number') {
      const position = Number(expr.text);
      if (!Number.isInteger(position) || position < 1 || position > outputs.length) {
        throw new QueryError(scope.file, expr.position, `ORDER BY position ${expr.text} is not between 1 and ${outputs.length}`);
      }
      return { value: position - 1, desc: item.desc };
    }
    if (expr.kind === 'identifier') {
      const byName = outputs.findIndex((output) => output.name.toLowerCase() === expr.name.toLowerCase());
      if (byName >= 0) return { value: byName, desc: item.desc };
    }
    return { value: valueOf(expr), desc: item.desc };
  });
  return { outputs, selection: { values, order } };
}

/** returned binds one value a kept row returns: a number, date or string of any expression. */
function returned(scope: ExprScope, ast: AstExpr): ValueExpr {
  const value = bindValue(scope, ast);
  checkFits64(scope, ast, value);
  return value;
}

/** valueKey is a canonical text of a bound value, equal for structurally equal expressions wherever written. */
function valueKey(value: ValueExpr): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'at' ? undefined : typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
}
