// Turns a parsed SELECT into a Plan: resolves the table, groups, aggregates, outputs, ORDER BY and LIMIT.
import type { AstExpr, SelectStatement } from './ast.js';
import { astChildren } from './ast-walk.js';
import { bindPost, bindPostPredicate, sameGroupKey, type PostScope } from './post-aggregate.js';
import { bindPredicate, bindValue, checkFits64, type ExprScope } from './bind-expr.js';
import type { Catalog } from './plan.js';
import { QueryError } from './errors.js';
import { parseSelect } from './parser.js';
import {
  AVG_EXTRA_SCALE, type AggregateSpec, type ColumnRef, type ErrorPolicy, type GroupKey, type Expr, type OrderKey, type OutputColumn, type Plan, type ValueExpr,
} from './plan.js';
import { bindRowSelection } from './select-rows.js';
import { withoutDistinct } from './distinct.js';
import { expandStar } from './select-star.js';
import { truth } from './fold.js';
import { neverTrue } from './jump-outcome.js';
import { didYouMean } from './suggest.js';
import { planJoinQuery } from './join-plan.js';
import { tablesScope } from './scope.js';
import { INTEGER, decimalType, isNumeric, isString, scaleOf, typeName, type SqlType } from '../values/types.js';

/** PlanOptions: `file` names the query text in errors (default `query.sql`); `onError` is the malformed-row policy. */
export interface PlanOptions {
  readonly file?: string;
  readonly onError?: ErrorPolicy;
}


/** planQuery parses and binds SQL text against a catalog, returning the typed plan or throwing QueryError. */
export function planQuery(sql: string, catalog: Catalog, options: PlanOptions = {}): Plan {
  const file = options.file ?? 'query.sql';
  const statement = parseSelect(sql, file);
  const table = catalog.table(statement.table.name);
  if (table === undefined) {
    const hint = didYouMean(statement.table.name, catalog.tableNames());
    throw new QueryError(file, statement.table.position, `unknown table '${statement.table.name}'${hint}`);
  }
  const { statement: grouped, countDistinct } = withoutDistinct(expandStar(statement, table, file, findAggregate), file, findAggregate);
  if (statement.joins.length > 0) {
    if (countDistinct !== undefined || statement.distinct !== undefined) {
      throw new QueryError(file, statement.table.position, 'DISTINCT over a join is not supported; joins answer aggregates');
    }
    return planJoinQuery(sql, statement, catalog, { file, onError: options.onError ?? 'stop' });
  }
  const scope = tablesScope(file, [{ table, offset: 0 }], sql);
  const plan = bindStatement(sql, file, scope, grouped, table, options.onError ?? 'stop');
  return countDistinct === undefined ? plan : { ...plan, countDistinct };
}

/** bindStatement binds a parsed SELECT in `scope`, scanning `table`; column indexes are the scope's. */
export function bindStatement(sql: string, file: string, scope: ExprScope, statement: SelectStatement, table: Plan['table'], onError: ErrorPolicy): Plan {
  return new Binder(sql, file, scope).plan(statement, table, onError);
}

class Binder {
  private readonly aggregates: AggregateSpec[] = [];
  private readonly aggregateKeys: string[] = [];

  constructor(
    private readonly sql: string,
    private readonly file: string,
    private readonly scope: ExprScope,
  ) {}

  plan(statement: SelectStatement, table: Plan['table'], onError: ErrorPolicy): Plan {
    const groupBy = this.groupColumns(statement.groupBy, statement);
    const rows =
      groupBy.length === 0 && statement.having === undefined && statement.items.every((item) => findAggregate(item.expr) === undefined)
        ? bindRowSelection(this.scope, statement, (expr) => this.text(expr))
        : undefined;
    const outputs = rows?.outputs ?? statement.items.map((item) => this.output(item.expr, item.alias, groupBy));
    const having = statement.having === undefined ? undefined : bindPostPredicate(this.postScope(groupBy), statement.having);
    if (statement.where !== undefined) this.refuseAggregates(statement.where, 'aggregates are not allowed in WHERE');
    const written = statement.where === undefined ? undefined : bindPredicate(this.scope, statement.where);
    // A filter decided true at compile time is no filter; one that is never true (false or unknown in every row) is decided false, and no row passes it.
    const bound = written !== undefined && neverTrue(written) ? truth(false) : written;
    const filter = bound?.kind === 'truth' && bound.value ? undefined : bound;
    const orderBy = rows ? [] : statement.orderBy.map((item) => this.orderKey(item.expr, item.desc, statement, outputs, groupBy));
    const used = new Set<number>();
    const collect = (expr: Expr | undefined): void => forEachColumn(expr, (column) => used.add(column));
    collect(filter);
    // Every column the WHERE clause, the select list and GROUP BY expressions name is decoded, and its malformed
    // values reported, even where a condition or a CASE branch naming it was decided at compile time: which rows
    // are malformed does not depend on folding. (A bare name in GROUP BY may be an alias; a column there is a key.)
    const named = (expr: AstExpr): void => forEachIdentifier(expr, (name) => used.add((bindValue(this.scope, name) as ColumnRef).column));
    if (statement.where !== undefined) named(statement.where);
    statement.items.forEach((item) => named(item.expr));
    statement.groupBy.filter((expr) => expr.kind !== 'identifier').forEach(named);
    groupBy.forEach(collect);
    this.aggregates.forEach((aggregate) => collect(aggregate.arg));
    rows?.selection.values.forEach(collect);
    return {
      table,
      ...(filter !== undefined && { filter }),
      groupBy,
      ...(having !== undefined && { having }),
      aggregates: this.aggregates,
      outputs,
      orderBy,
      ...(statement.limit !== undefined && { limit: statement.limit.value }),
      ...(rows && { rows: rows.selection }),
      usedColumns: [...used].sort((a, b) => a - b),
      onError,
      sql: this.sql,
      queryFile: this.file,
    };
  }

  private groupColumns(written: readonly AstExpr[], statement: SelectStatement): GroupKey[] {
    const keys: GroupKey[] = [];
    for (const item of written.map((expr) => this.byPosition(expr, statement))) {
      if (item.kind !== 'identifier' && item.kind !== 'extract' && item.kind !== 'substring' && item.kind !== 'case') {
        this.fail(item, 'GROUP BY supports columns, EXTRACT(... FROM a date column), SUBSTRING, CASE, and positions or aliases of selected ones');
      }
      const bound = bindValue(this.scope, item);
      if (bound.kind === 'constant') return this.fail(item, 'GROUP BY of a constant is not supported; remove it');
      const key: GroupKey = bound.kind === 'column' || bound.kind === 'extract' || bound.kind === 'substring' ? bound : { ...bound, name: this.text(item) };
      if (!keys.some((existing) => sameGroupKey(existing, key))) keys.push(key);
    }
    return keys;
  }

  /** byPosition reads `GROUP BY 2` as the second SELECT item, and `GROUP BY alias` (no such column) as the aliased one; neither may be an aggregate. */
  private byPosition(expr: AstExpr, statement: SelectStatement): AstExpr {
    if (expr.kind === 'identifier' && !this.scope.columns.some((column) => column.name.toLowerCase() === expr.name.toLowerCase())) {
      const aliased = statement.items.find((item) => item.alias?.toLowerCase() === expr.name.toLowerCase());
      if (aliased !== undefined && findAggregate(aliased.expr) === undefined) return aliased.expr;
    }
    if (expr.kind !== 'number') return expr;
    const position = Number(expr.text);
    const item = Number.isInteger(position) ? statement.items[position - 1] : undefined;
    if (item === undefined) return this.fail(expr, `GROUP BY position ${expr.text} is not between 1 and ${statement.items.length}`);
    if (findAggregate(item.expr) !== undefined) this.fail(expr, `GROUP BY position ${expr.text} names an aggregate; group by a column instead`);
    return item.expr;
  }

  private output(expr: AstExpr, alias: string | undefined, groupBy: readonly GroupKey[]): OutputColumn {
    const name = alias ?? (expr.kind === 'identifier' ? expr.name : this.text(expr));
    if (expr.kind === 'aggregate') {
      const index = this.aggregate(expr);
      return { name, source: { kind: 'aggregate', index }, type: (this.aggregates[index] as AggregateSpec).type };
    }
    if (expr.kind !== 'identifier') {
      const post = bindPost(this.postScope(groupBy), expr);
      return { name, source: post.kind === 'group' ? { kind: 'group', index: post.index } : { kind: 'expr', expr: post }, type: post.type };
    }
    const column = bindValue(this.scope, expr) as ColumnRef;
    const index = groupBy.findIndex((group) => sameGroupKey(group, column));
    if (index < 0) this.fail(expr, `column '${column.name}' must appear in GROUP BY or be used in an aggregate`);
    return { name, source: { kind: 'group', index }, type: column.type };
  }

  /** postScope lets expressions over aggregates name the group keys and register the aggregates they use. */
  private postScope(groupBy: readonly GroupKey[]): PostScope {
    return {
      rows: this.scope,
      groupBy,
      aggregate: (ast) => {
        const index = this.aggregate(ast);
        return { index, type: (this.aggregates[index] as AggregateSpec).type };
      },
    };
  }

  /** aggregate binds an aggregate call and returns its index, sharing one spec between identical calls. */
  private aggregate(expr: Extract<AstExpr, { kind: 'aggregate' }>): number {
    let spec: AggregateSpec;
    if (expr.arg === 'star') {
      spec = { fn: 'count_star', type: INTEGER };
    } else {
      this.refuseAggregates(expr.arg, 'aggregates cannot be nested');
      const arg = bindValue(this.scope, expr.arg);
      checkFits64(this.scope, expr.arg, arg);
      spec = { fn: expr.fn, arg, type: this.aggregateType(expr, arg) };
    }
    const key = exprKey(spec);
    const existing = this.aggregateKeys.indexOf(key);
    if (existing >= 0) return existing;
    this.aggregates.push(spec);
    this.aggregateKeys.push(key);
    return this.aggregates.length - 1;
  }

  private aggregateType(expr: Extract<AstExpr, { kind: 'aggregate' }>, arg: ValueExpr): SqlType {
    switch (expr.fn) {
      case 'count':
        return INTEGER;
      case 'min':
      case 'max':
        if (isString(arg.type) && arg.kind !== 'column') this.fail(expr, `${expr.fn.toUpperCase()} of a string needs a column; string expressions are not supported`);
        return arg.type;
      case 'sum':
      case 'avg':
        if (!isNumeric(arg.type)) this.fail(expr.arg as AstExpr, `${expr.fn.toUpperCase()} needs a number, found ${typeName(arg.type)}`);
        if (expr.fn === 'avg') return decimalType(38, scaleOf(arg.type) + AVG_EXTRA_SCALE);
        return arg.type.kind === 'integer' ? INTEGER : decimalType(38, scaleOf(arg.type));
    }
  }

  /** orderKey resolves an ORDER BY item: an output position, an output name or alias, or a selected expression. */
  private orderKey(expr: AstExpr, desc: boolean, statement: SelectStatement, outputs: readonly OutputColumn[], groupBy: readonly GroupKey[]): OrderKey {
    if (expr.kind === 'number') {
      const position = Number(expr.text);
      if (!Number.isInteger(position) || position < 1 || position > outputs.length) {
        this.fail(expr, `ORDER BY position ${expr.text} is not between 1 and ${outputs.length}`);
      }
      return { output: position - 1, desc };
    }
    if (expr.kind === 'identifier') {
      const byName = outputs.findIndex((output) => output.name.toLowerCase() === expr.name.toLowerCase());
      if (byName >= 0) return { output: byName, desc };
    }
    const key = astKey(expr);
    const byExpr = statement.items.findIndex((item) => astKey(item.expr) === key);
    if (byExpr >= 0) return { output: byExpr, desc };
    if (expr.kind === 'identifier' && !this.scope.columns.some((column) => column.name.toLowerCase() === expr.name.toLowerCase())) {
      const names = [...outputs.map((output) => output.name), ...this.scope.columns.map((column) => column.name)];
      return this.fail(expr, `unknown column '${expr.name}' in ORDER BY${didYouMean(expr.name, names)}`);
    }
    // Not selected: an expression over aggregates and group keys, computed per group on the compute node.
    return { expr: bindPost(this.postScope(groupBy), expr), desc };
  }

  private refuseAggregates(expr: AstExpr, reason: string): void {
    const found = findAggregate(expr);
    if (found !== undefined) this.fail(found, reason);
  }

  private text(expr: AstExpr): string {
    return this.sql.slice(expr.start, expr.end).replace(/\s+/g, ' ');
  }

  private fail(at: { position: { line: number; column: number } }, reason: string): never {
    throw new QueryError(this.file, at.position, reason);
  }
}

function forEachIdentifier(expr: AstExpr, visit: (identifier: AstExpr) => void): void {
  if (expr.kind === 'identifier') return visit(expr);
  for (const child of astChildren(expr)) forEachIdentifier(child, visit);
}

/** findAggregate returns the first aggregate call inside `expr`, if any. */
export function findAggregate(expr: AstExpr): AstExpr | undefined {
  if (expr.kind === 'aggregate') return expr;
  for (const child of astChildren(expr)) {
    const found = findAggregate(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** forEachColumn calls `visit` with the index of every column an expression reads. */
export function forEachColumn(expr: Expr | undefined, visit: (column: number) => void): void {
  if (expr === undefined) return;
  switch (expr.kind) {
    case 'column':
      return visit(expr.column);
    case 'constant':
    case 'truth':
      return;
    case 'rescale':
    case 'extract':
    case 'substring':
    case 'shift':
    case 'not':
    case 'in':
    case 'like':
    case 'isnull':
    case 'unlessnull':
      return forEachColumn(expr.operand, visit);
    case 'lookup':
      return visit(expr.key.column);
    case 'arith':
    case 'compare':
      forEachColumn(expr.left, visit);
      return forEachColumn(expr.right, visit);
    case 'case':
      for (const branch of expr.whens) {
        forEachColumn(branch.when, visit);
        forEachColumn(branch.then, visit);
      }
      return forEachColumn(expr.otherwise, visit);
    case 'and':
    case 'or':
      return expr.operands.forEach((operand) => forEachColumn(operand, visit));
  }
}

/** exprKey is a canonical text of a plan node, equal for structurally equal nodes wherever they were written. */
function exprKey(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'at' ? undefined : typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
}

/** astKey is a canonical text of a syntax node, ignoring where it was written. */
function astKey(expr: AstExpr): string {
  return JSON.stringify(expr, (key, v: unknown) => (key === 'position' || key === 'start' || key === 'end' ? undefined : v));
}
