// The children of a syntax node, so walks over the tree need no list of node kinds.
import type { AstExpr } from './ast.js';

/** astChildren lists the expressions directly inside `expr` (a CASE's conditions and values included). */
export function astChildren(expr: AstExpr): AstExpr[] {
  const children: AstExpr[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) {
      if ('kind' in value) children.push(value as AstExpr);
      else if (!('line' in value)) Object.values(value).forEach(collect);
    }
  };
  for (const [key, value] of Object.entries(expr)) if (key !== 'position') collect(value);
  return children;
}
