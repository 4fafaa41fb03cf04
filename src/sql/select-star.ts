// Expands `SELECT *` of a row selection into the table's columns, in schema order; refuses it beside aggregates or over a join.
import type { AstExpr, SelectItem, SelectStatement } from './ast.js';
import { QueryError } from './errors.js';
import type { TableSource } from './plan.js';

/**
 * expandStar replaces each `*` in the SELECT list with one item per column of `table`, in schema order,
 * each spanning the star (errors about a column point there). A `*` is a row selection's: it is refused
 * in a query with aggregates, GROUP BY or HAVING, and over a join. `findAggregate` finds an aggregate in an item.
 */
export function expandStar(statement: SelectStatement, table: TableSource, file: string, findAggregate: (expr: AstExpr) => AstExpr | undefined): SelectStatement {
  const star = statement.items.find((item) => item.star === true);
  if (star === undefined) return statement;
  const refuse = (why: string): never => {
    throw new QueryError(file, star.expr.position, `SELECT * ${why}`);
  };
  if (statement.joins.length > 0) refuse('over a join is not supported; name the columns (joins answer aggregates)');
  if (statement.groupBy.length > 0 || statement.having !== undefined || statement.items.some((item) => findAggregate(item.expr) !== undefined)) {
    refuse('cannot be mixed with aggregates or GROUP BY; name the group columns and aggregates instead');
  }
  const items = statement.items.flatMap((item): SelectItem[] =>
    item.star === true ? table.columns.map((column) => ({ expr: { kind: 'identifier', name: column.name, position: item.expr.position, start: item.expr.start, end: item.expr.end } })) : [item],
  );
  return { ...statement, items };
}
