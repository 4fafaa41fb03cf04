// DISTINCT as grouping: SELECT DISTINCT becomes GROUP BY its columns, COUNT(DISTINCT x) groups by x too and counts the groups.
import type { AstExpr, SelectItem, SelectStatement } from './ast.js';
import { QueryError } from './errors.js';
import type { AggregateState, GroupState } from './result.js';

/** Distinctified is a statement with DISTINCT rewritten away, and for COUNT(DISTINCT x) how many GROUP BY columns the user wrote. */
export interface Distinctified {
  readonly statement: SelectStatement;
  readonly countDistinct?: { readonly prefix: number };
}

/**
 * withoutDistinct rewrites DISTINCT into grouping, so that the group hash map (its limit is --max-groups)
 * is the hash set, in the program and in the cluster merge (a union by key):
 * - `SELECT DISTINCT a, b …` is `SELECT a, b … GROUP BY a, b` (columns only, no aggregates);
 * - `SELECT k, COUNT(DISTINCT x) … GROUP BY k` is grouped by k, x with `COUNT(x)`, and finalisation
 *   counts the (k, x) groups per k (countDistinctGroups). It must be the only aggregate, over a column.
 */
export function withoutDistinct(statement: SelectStatement, file: string, hasAggregate: (expr: AstExpr) => AstExpr | undefined): Distinctified {
  const fail = (at: { position: { line: number; column: number } }, reason: string): never => {
    throw new QueryError(file, at.position, reason);
  };
  if (statement.distinct !== undefined) {
    const aggregate = statement.items.map((item) => hasAggregate(item.expr)).find((found) => found !== undefined);
    if (aggregate !== undefined) fail(aggregate, 'SELECT DISTINCT with aggregates is not supported; the aggregates are already one row per group');
    if (statement.groupBy.length > 0) fail(statement.distinct, 'SELECT DISTINCT with GROUP BY is not supported; the groups are already distinct');
    for (const item of statement.items) if (item.expr.kind !== 'identifier') fail(item.expr, 'SELECT DISTINCT supports column names only');
    const { distinct: _, ...rest } = statement;
    return { statement: { ...rest, groupBy: statement.items.map((item) => item.expr) } };
  }
  const aggregates = statement.items.map((item) => hasAggregate(item.expr)).filter((found) => found !== undefined);
  const counted = aggregates.find((found) => found.kind === 'aggregate' && found.distinct === true);
  if (counted === undefined || counted.kind !== 'aggregate' || counted.arg === 'star') return { statement };
  const others = aggregates.filter((found) => found !== counted);
  if (others.length > 0) fail(others[0] as AstExpr, 'COUNT(DISTINCT ...) must be the only aggregate in the query; run the others in a query of their own');
  const item = statement.items.find((candidate) => candidate.expr === counted);
  if (item === undefined) fail(counted, 'COUNT(DISTINCT ...) must be a whole SELECT item, not part of an expression');
  const arg = counted.arg;
  if (arg.kind !== 'identifier') fail(arg, 'COUNT(DISTINCT ...) supports a column name only');
  const name = (arg as Extract<AstExpr, { kind: 'identifier' }>).name;
  const grouped = statement.groupBy.find((key) => key.kind === 'identifier' && key.name === name);
  if (grouped !== undefined) fail(grouped, `COUNT(DISTINCT ${name}) is 1 in every group of GROUP BY ${name}; use COUNT(*) > 0 or leave ${name} out of GROUP BY`);
  const counting: SelectItem = { ...(item as SelectItem), expr: { ...counted, distinct: undefined } as AstExpr };
  return {
    statement: { ...statement, items: statement.items.map((each) => (each === item ? counting : each)), groupBy: [...statement.groupBy, arg] },
    countDistinct: { prefix: statement.groupBy.length },
  };
}

/**
 * countDistinctGroups turns the (k…, x) groups of a COUNT(DISTINCT x) plan into one group per k…,
 * whose only aggregate state counts its distinct non-NULL x; with no GROUP BY of the user's, one group, also
 * over no rows (COUNT(DISTINCT x) of nothing is 0).
 */
export function countDistinctGroups(prefix: number, groups: readonly GroupState[]): GroupState[] {
  const byKey = new Map<string, { keys: GroupState['keys']; count: AggregateState }>();
  for (const group of groups) {
    const keys = group.keys.slice(0, prefix);
    const text = JSON.stringify(keys.map((value) => (typeof value === 'bigint' ? `n${value}` : value === null ? null : `s${value}`)));
    const seen = byKey.get(text) ?? { keys, count: { count: 0n, value: null } };
    // COUNT(DISTINCT x) does not count NULL; a group whose x are all NULL still counts 0.
    if (group.keys[prefix] !== null) seen.count.count += 1n;
    byKey.set(text, seen);
  }
  if (prefix === 0 && byKey.size === 0) return [{ keys: [], aggregates: [{ count: 0n, value: null }] }];
  return [...byKey.values()].map(({ keys, count }) => ({ keys, aggregates: [count] }));
}
