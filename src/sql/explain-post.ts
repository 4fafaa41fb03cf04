// Renders post-aggregate expressions (computed on the compute node) as SQL-like text for explain.
import type { Plan } from './plan.js';
import type { PostExpr, PostPredicate } from './post-aggregate.js';
import { formatValue } from './result.js';
import { typeName } from '../values/types.js';

/** formatPost renders an expression over aggregates (#i, as explain numbers them) and group keys. */
export function formatPost(expr: PostExpr | PostPredicate, plan: Plan): string {
  switch (expr.kind) {
    case 'aggregate':
      return `aggregate #${expr.index}`;
    case 'group':
      return plan.groupBy[expr.index]?.name ?? `group key ${expr.index}`;
    case 'constant':
      return typeof expr.value === 'string' ? `'${expr.value.replace(/'/g, "''")}'` : formatValue(expr.value, expr.type);
    case 'arith':
    case 'compare':
      return `(${formatPost(expr.left, plan)} ${expr.op} ${formatPost(expr.right, plan)})`;
    case 'cast':
      return `cast(${formatPost(expr.operand, plan)} as ${typeName(expr.type)})`;
    case 'case': {
      const whens = expr.whens.map((branch) => ` when ${formatPost(branch.when, plan)} then ${formatPost(branch.then, plan)}`).join('');
      return `case${whens}${expr.otherwise === undefined ? '' : ` else ${formatPost(expr.otherwise, plan)}`} end`;
    }
    case 'and':
    case 'or':
      return `(${expr.operands.map((operand) => formatPost(operand, plan)).join(` ${expr.kind} `)})`;
    case 'not':
      return `not ${formatPost(expr.operand, plan)}`;
  }
}
