// Plans an inner join: the largest table is the probe side scanned in storage, each other table a build side found through a map.
import { statSync } from 'node:fs';
import type { AstExpr, SelectStatement, TableRef } from './ast.js';
import { bindStatement, forEachColumn } from './bind.js';
import { QueryError, type SourcePosition } from './errors.js';
import { allOf, anyOf } from './fold.js';
import type { CaseExpr, Catalog, ColumnRef, ConstantExpr, ErrorPolicy, Expr, GroupKey, JoinBuild, Plan, Predicate, ValueExpr } from './plan.js';
import { tablesScope, type ScopedTable } from './scope.js';
import { didYouMean } from './suggest.js';
import { INTEGER, isString, typeName } from '../values/types.js';

/**
 * planJoinQuery plans a SELECT over several tables joined on equality of integer keys. The probe
 * side is the largest table by file size; every other table must be joined to it by one equality
 * `build.key = probe.column`, and is filtered by its own conditions. Conditions over one build table
 * that the probe side needs (in OR branches, CASE, aggregates) are computed on the build side, so
 * its map holds one small value per key. Anything else (a condition between two build tables, a
 * table joined by no equality) is refused with its position.
 */
export function planJoinQuery(sql: string, statement: SelectStatement, catalog: Catalog, options: { file: string; onError: ErrorPolicy }): Plan {
  const { file } = options;
  const fail = (at: { position: SourcePosition }, reason: string): never => {
    throw new QueryError(file, at.position, reason);
  };
  const refs = [statement.table, ...statement.joins];
  const sources = refs.map((ref) => {
    const table = catalog.table(ref.name);
    if (table === undefined) return fail(ref, `unknown table '${ref.name}'${didYouMean(ref.name, catalog.tableNames())}`);
    if (refs.some((other) => other !== ref && other.name === ref.name)) fail(ref, `table '${ref.name}' appears twice in FROM; self-joins are not supported`);
    return { ref, table, bytes: fileBytes(table.path) };
  });
  const probeIndex = sources.reduce((best, source, i) => (source.bytes > (sources[best] as (typeof sources)[number]).bytes ? i : best), 0);
  const ordered = [sources[probeIndex] as (typeof sources)[number], ...sources.filter((_, i) => i !== probeIndex)];
  let offset = 0;
  const scoped: (ScopedTable & { ref: TableRef })[] = ordered.map(({ ref, table }) => {
    const entry = { table, offset, ref };
    offset += table.columns.length;
    return entry;
  });
  const probe = scoped[0] as (typeof scoped)[number];
  const builds = scoped.slice(1);
  const scope = tablesScope(file, scoped, sql);
  const where = [statement.where, ...statement.joins.map((ref) => ref.on)].reduce<AstExpr | undefined>((left, right) => {
    if (left === undefined || right === undefined) return left ?? right;
    return { kind: 'and', left, right, position: left.position, start: left.start, end: right.end };
  }, undefined);
  const bound = bindStatement(sql, file, scope, { ...statement, ...(where !== undefined && { where }) }, probe.table, options.onError);
  if (bound.rows !== undefined) fail(statement.items[0]?.expr ?? statement.table, 'plain row selection over a join is not supported; joins answer aggregates (COUNT, SUM, MIN, MAX, AVG or GROUP BY)');

  /** tableOf is the position in `scoped` of the table a scope column belongs to. */
  const tableOf = (column: number): number => scoped.findIndex((s) => column >= s.offset && column < s.offset + s.table.columns.length);
  const tablesIn = (expr: Expr | undefined): Set<number> => {
    const found = new Set<number>();
    forEachColumn(expr, (column) => found.add(tableOf(column)));
    return found;
  };

  const probeFilter: Predicate[] = [];
  const residual: Predicate[] = [];
  const buildFilters: Predicate[][] = builds.map(() => []);
  const keys: ({ probe: ColumnRef; build: ColumnRef } | undefined)[] = builds.map(() => undefined);
  for (const conjunct of conjuncts(bound.filter)) {
    const tables = tablesIn(conjunct);
    const buildTables = [...tables].filter((t) => t > 0);
    if (buildTables.length > 1) {
      const names = buildTables.map((t) => scoped[t]?.table.name).join(' and ');
      fail(positionOf(conjunct, statement), `a condition between ${names} joins two smaller tables; each must be joined to ${probe.table.name}, the largest table, which is scanned in storage`);
    }
    const build = buildTables[0];
    if (build === undefined) probeFilter.push(conjunct);
    else if (!tables.has(0)) (buildFilters[build - 1] as Predicate[]).push(conjunct);
    else {
      const key = equalityKey(conjunct, build);
      if (key !== undefined && keys[build - 1] === undefined) keys[build - 1] = key;
      else residual.push(conjunct);
    }
  }
  function equalityKey(expr: Predicate, build: number): { probe: ColumnRef; build: ColumnRef } | undefined {
    if (expr.kind !== 'compare' || expr.op !== '=' || expr.left.kind !== 'column' || expr.right.kind !== 'column') return undefined;
    const [probeSide, buildSide] = tableOf(expr.left.column) === build ? [expr.right, expr.left] : [expr.left, expr.right];
    for (const column of [probeSide, buildSide]) {
      if (column.type.kind !== 'integer') fail(positionOf(expr, statement), `join keys must be integer columns; ${column.name} is ${typeName(column.type)}`);
    }
    return { probe: probeSide, build: buildSide };
  }
  builds.forEach((build, i) => {
    if (keys[i] === undefined) {
      fail(build.ref, `table '${build.table.name}' is joined to ${probe.table.name} by no equality of columns (such as ${build.table.name}.key = ${probe.table.name}.key); only equality joins with the largest table are supported`);
    }
  });
  // A residual OR whose every branch holds a condition on one build table alone implies the OR of those conditions there.
  for (const conjunct of residual) {
    if (conjunct.kind !== 'or') continue;
    builds.forEach((_, i) => {
      const parts = conjunct.operands.map((branch) => conjuncts(branch).filter((part) => sameTables(tablesIn(part), [i + 1])));
      if (parts.every((part) => part.length > 0)) (buildFilters[i] as Predicate[]).push(anyOf(parts.map((part) => allOf(part))));
    });
  }

  // Build-only parts of what the probe side evaluates become values of the build side's map.
  const values: { column: number; name: string; expr: ValueExpr; key: string }[][] = builds.map(() => []);
  let nextColumn = probe.table.columns.length;
  const valueColumn = (build: number, expr: ValueExpr, name: string): ColumnRef => {
    const local = localize(expr, scoped[build] as ScopedTable);
    const key = planKey(local);
    const list = values[build - 1] as (typeof values)[number];
    // Computed values are named by their table and place in the map (part_condition_1, ...), columns by themselves.
    const unique = expr.kind === 'column' ? name : `${name}_${list.length + 1}`;
    const existing = list.find((value) => value.key === key) ?? { column: nextColumn++, name: unique, expr: local, key };
    if (!list.includes(existing)) list.push(existing);
    return { kind: 'column', column: existing.column, name: existing.name, type: expr.type };
  };
  const onBuild = (expr: Expr): number | undefined => {
    const tables = tablesIn(expr);
    const [only] = tables;
    return tables.size === 1 && only !== undefined && only > 0 ? only : undefined;
  };
  const rewriteValue = (expr: ValueExpr): ValueExpr => {
    // A string the probe computes from build columns (a CASE of them) takes its columns from the map, not the string itself.
    const build = isString(expr.type) && expr.kind !== 'column' ? undefined : onBuild(expr);
    if (build !== undefined) return valueColumn(build, expr, expr.kind === 'column' ? expr.name : `${scoped[build]?.table.name}_value`);
    switch (expr.kind) {
      case 'rescale':
        return { ...expr, operand: rewriteValue(expr.operand) };
      case 'arith':
        return { ...expr, left: rewriteValue(expr.left), right: rewriteValue(expr.right) };
      case 'shift':
        return { ...expr, operand: rewriteValue(expr.operand) };
      case 'substring':
        return { ...expr, operand: rewriteValue(expr.operand) as ColumnRef };
      case 'case':
        return {
          ...expr,
          whens: expr.whens.map(({ when, then }) => ({ when: rewritePredicate(when), then: rewriteValue(then) })),
          ...(expr.otherwise !== undefined && { otherwise: rewriteValue(expr.otherwise) }),
        };
      default:
        return expr;
    }
  };
  const rewritePredicate = (expr: Predicate): Predicate => {
    const build = onBuild(expr);
    if (build !== undefined) {
      const flag = valueColumn(build, flagOf(expr), `${scoped[build]?.table.name}_condition`);
      return { kind: 'compare', op: '=', left: flag, right: integer(1n) };
    }
    switch (expr.kind) {
      case 'compare':
        return { ...expr, left: rewriteValue(expr.left), right: rewriteValue(expr.right) };
      case 'in':
      case 'like':
        return { ...expr, operand: rewriteValue(expr.operand) };
      case 'and':
      case 'or': {
        // The operands on one build table alone become one condition there, so the map holds one flag for them.
        const combine = expr.kind === 'and' ? allOf : anyOf;
        const byTable = new Map<number, Predicate[]>();
        const rest: Predicate[] = [];
        for (const operand of expr.operands) {
          const on = onBuild(operand);
          if (on === undefined) rest.push(operand);
          else byTable.set(on, [...(byTable.get(on) ?? []), operand]);
        }
        const grouped = [...byTable.values()].map((operands) => combine(operands, expr.at));
        return combine([...rest, ...grouped].map(rewritePredicate), expr.at);
      }
      case 'not':
        return { ...expr, operand: rewritePredicate(expr.operand) };
      default:
        return expr;
    }
  };
  const probeResidual = residual.map(rewritePredicate);
  const groupBy = bound.groupBy.map((key) => rewriteValue(key) as GroupKey);
  const aggregates = bound.aggregates.map((aggregate) => (aggregate.arg === undefined ? aggregate : { ...aggregate, arg: rewriteValue(aggregate.arg) }));

  const joinBuilds: JoinBuild[] = builds.map((build, i) => {
    const filter = allOf((buildFilters[i] as Predicate[]).map((part) => localize(part, build)));
    return {
      table: build.table,
      key: localize((keys[i] as { build: ColumnRef }).build, build) as ColumnRef,
      ...(!(filter.kind === 'truth' && filter.value) && { filter }),
      values: (values[i] as (typeof values)[number]).map(({ column, name, expr }) => ({ column, name, expr })),
      at: build.ref.position,
    };
  });
  const lookups: Predicate[] = builds.map((_, i) => ({ kind: 'lookup', build: i, key: (keys[i] as { probe: ColumnRef }).probe }));
  const filter = allOf([...probeFilter, ...lookups, ...probeResidual]);
  const used = new Set<number>(bound.usedColumns.filter((column) => tableOf(column) === 0));
  const collect = (expr: Expr | undefined): void => forEachColumn(expr, (column) => void (column < probe.table.columns.length && used.add(column)));
  collect(filter);
  groupBy.forEach(collect);
  aggregates.forEach((aggregate) => collect(aggregate.arg));
  return {
    ...bound,
    filter,
    groupBy,
    aggregates,
    usedColumns: [...used].sort((a, b) => a - b),
    join: { builds: joinBuilds },
  };
}

/**
 * flagOf is 1 where `condition` holds, 0 where it does not and NULL where it is unknown (a NULL operand):
 * a build side's condition as one value of its map (see isFlag), which the probe side tests as `flag = 1`,
 * so that its NOT and its place in AND and OR keep SQL's three-valued logic.
 */
export function flagOf(condition: Predicate): CaseExpr {
  return {
    kind: 'case',
    whens: [{ when: condition, then: integer(1n) }, { when: { kind: 'not', operand: condition }, then: integer(0n) }],
    type: INTEGER,
  };
}

/**
 * isFlag tells whether a value is 1 or 0 by one condition, which a build map holds in one bit: a flagOf
 * (with a NULL bit, for an unknown condition), or the query's own `CASE WHEN c THEN 1 ELSE 0 END` (never
 * NULL: an unknown condition takes the ELSE), as TPC-H Q12 counts order priorities.
 */
export function isFlag(expr: ValueExpr): boolean {
  if (expr.kind !== 'case' || expr.type.kind !== 'integer') return false;
  const is = (then: ValueExpr | undefined, units: bigint) => then?.kind === 'constant' && then.value.kind === 'number' && then.value.units === units;
  const [holds, fails] = expr.whens;
  if (expr.whens.length === 1) return is(holds?.then, 1n) && is(expr.otherwise, 0n);
  if (expr.whens.length !== 2 || expr.otherwise !== undefined) return false;
  return is(holds?.then, 1n) && is(fails?.then, 0n) && fails?.when.kind === 'not' && holds !== undefined && planKey(fails.when.operand) === planKey(holds.when);
}

function integer(units: bigint): ConstantExpr {
  return { kind: 'constant', value: { kind: 'number', units, type: INTEGER }, type: INTEGER };
}

/** fileBytes is a table file's size; a file that cannot be read counts as empty here, and its scan reports why. */
function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** conjuncts lists the operands of a top-level AND, with the conditions every branch of an OR shares taken out of it. */
function conjuncts(filter: Predicate | undefined): Predicate[] {
  if (filter === undefined || (filter.kind === 'truth' && filter.value)) return [];
  const parts = filter.kind === 'and' ? filter.operands : [filter];
  return parts.flatMap((part) => (part.kind === 'or' ? factorOr(part) : [part]));
}

/** factorOr rewrites (A and X) or (A and Y) as A and (X or Y): a join condition written in every branch (TPC-H Q19) becomes a conjunct. */
function factorOr(or: Extract<Predicate, { kind: 'or' }>): Predicate[] {
  const branches = or.operands.map((branch) => (branch.kind === 'and' ? branch.operands : [branch]));
  const shared = (branches[0] ?? []).filter((part) => branches.every((branch) => branch.some((other) => planKey(other) === planKey(part))));
  if (shared.length === 0) return [or];
  const keys = new Set(shared.map(planKey));
  const rest = anyOf(branches.map((branch) => allOf(branch.filter((part) => !keys.has(planKey(part))))), or.at);
  return rest.kind === 'truth' && rest.value ? shared : [...shared, rest];
}

function sameTables(tables: Set<number>, expected: readonly number[]): boolean {
  return tables.size === expected.length && expected.every((t) => tables.has(t));
}

/** localize renumbers a build-only expression's columns from the scope's to its own table's. */
function localize<T extends Expr>(expr: T, table: ScopedTable): T {
  const value = (node: ValueExpr): ValueExpr => {
    switch (node.kind) {
      case 'column':
        return { ...node, column: node.column - table.offset };
      case 'rescale':
        return { ...node, operand: value(node.operand) };
      case 'arith':
        return { ...node, left: value(node.left), right: value(node.right) };
      case 'case':
        return {
          ...node,
          whens: node.whens.map(({ when, then }) => ({ when: predicate(when), then: value(then) })),
          ...(node.otherwise !== undefined && { otherwise: value(node.otherwise) }),
        };
      case 'extract':
      case 'substring':
        return { ...node, operand: value(node.operand) as ColumnRef };
      case 'shift':
        return { ...node, operand: value(node.operand) };
      case 'constant':
        return node;
    }
  };
  const predicate = (node: Predicate): Predicate => {
    switch (node.kind) {
      case 'compare':
        return { ...node, left: value(node.left), right: value(node.right) };
      case 'in':
      case 'like':
      case 'isnull':
      case 'unlessnull':
        return { ...node, operand: value(node.operand) };
      case 'and':
      case 'or':
        return { ...node, operands: node.operands.map(predicate) };
      case 'not':
        return { ...node, operand: predicate(node.operand) };
      case 'lookup':
        return { ...node, key: value(node.key) as ColumnRef };
      case 'truth':
        return node;
    }
  };
  return ('type' in expr ? value(expr as ValueExpr) : predicate(expr as Predicate)) as T;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return [...value];
  return value;
}

/** planKey is a canonical text of a plan node, equal for equal nodes wherever they were written. */
function planKey(expr: Expr): string {
  return JSON.stringify(expr, (key, value: unknown) => (key === 'at' ? undefined : bigintReplacer(key, value)));
}

/** positionOf is where a condition was written (its `at`), else the start of the WHERE clause. */
function positionOf(expr: Predicate, statement: SelectStatement): { position: SourcePosition } {
  if ('at' in expr && expr.at !== undefined) return { position: expr.at };
  return { position: (statement.where ?? statement.table).position };
}
