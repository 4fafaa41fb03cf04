// Which row expressions can be NULL (a column whose field is empty, a CASE without ELSE, arithmetic over them), and the conditions inside CASEs.
import type { Predicate, ValueExpr } from './plan.js';

/** isNullable says whether `expr` can yield NULL for some row. */
export function isNullable(expr: ValueExpr): boolean {
  switch (expr.kind) {
    case 'column':
      // An empty, unquoted field is NULL in any column (see README, "NULL").
      return true;
    case 'constant':
      return false;
    case 'extract':
    case 'substring':
      return isNullable(expr.operand);
    case 'rescale':
    case 'shift':
      return isNullable(expr.operand);
    case 'arith':
      return isNullable(expr.left) || isNullable(expr.right);
    case 'case':
      return expr.otherwise === undefined || isNullable(expr.otherwise) || expr.whens.some((branch) => isNullable(branch.then));
  }
}

/** forEachCaseCondition calls `visit` with the WHEN condition of every CASE inside a value expression. */
export function forEachCaseCondition(expr: ValueExpr, visit: (condition: Predicate) => void): void {
  switch (expr.kind) {
    case 'rescale':
    case 'shift':
      return forEachCaseCondition(expr.operand, visit);
    case 'arith':
      forEachCaseCondition(expr.left, visit);
      return forEachCaseCondition(expr.right, visit);
    case 'case':
      for (const branch of expr.whens) {
        visit(branch.when);
        forEachCaseCondition(branch.then, visit);
      }
      if (expr.otherwise !== undefined) forEachCaseCondition(expr.otherwise, visit);
      return;
    default:
      return;
  }
}
