// A join's build side as a query of its own (key, values, filtered rows) and its answer as the rows the probe side finds.
import { forEachColumn } from './bind.js';
import { QueryError } from './errors.js';
import type { AggregateSpec, ColumnRef, JoinBuild, OutputColumn, Plan } from './plan.js';
import type { ResultTable } from './result.js';
import { INTEGER, isString, type Value } from '../values/types.js';

/**
 * buildSidePlan is the single-table query the build side's storage node runs for build side `index`
 * of `plan`: its rows that pass its filter, grouped by the key (and the string values, which travel as
 * group keys), with COUNT(*) (a key must have one row) and MAX of each other value (its only value).
 */
export function buildSidePlan(plan: Plan, index: number): Plan {
  const build = joinBuild(plan, index);
  const strings = build.values.filter((value) => isString(value.expr.type));
  const others = build.values.filter((value) => !isString(value.expr.type));
  const groupBy: ColumnRef[] = [build.key, ...strings.map((value) => value.expr as ColumnRef)];
  const aggregates: AggregateSpec[] = [
    { fn: 'count_star', type: INTEGER },
    ...others.map((value): AggregateSpec => ({ fn: 'max', arg: value.expr, type: value.expr.type })),
  ];
  const outputs: OutputColumn[] = [
    ...groupBy.map((column, i): OutputColumn => ({ name: column.name, source: { kind: 'group', index: i }, type: column.type })),
    ...aggregates.map((aggregate, i): OutputColumn => ({ name: i === 0 ? 'rows' : (others[i - 1]?.name ?? ''), source: { kind: 'aggregate', index: i }, type: aggregate.type })),
  ];
  const used = new Set<number>();
  const collect = (column: number): void => void used.add(column);
  forEachColumn(build.filter, collect);
  groupBy.forEach((column) => collect(column.column));
  others.forEach((value) => forEachColumn(value.expr, collect));
  return {
    table: build.table,
    ...(build.filter !== undefined && { filter: build.filter }),
    groupBy,
    aggregates,
    outputs,
    orderBy: [],
    usedColumns: [...used].sort((a, b) => a - b),
    onError: plan.onError,
    sql: plan.sql,
    queryFile: plan.queryFile,
  };
}

/**
 * buildKeyedPlan is the single-table query the build side's storage node runs for build side `index`
 * of `plan`: its rows that pass its filter, each filling the map entry of its key with its values in
 * the layout the probe program reads (Plan.keyed), so that the map it returns is the probe's map.
 */
export function buildKeyedPlan(plan: Plan, index: number): Plan {
  const build = joinBuild(plan, index);
  const used = new Set<number>([build.key.column]);
  const collect = (column: number): void => void used.add(column);
  forEachColumn(build.filter, collect);
  build.values.forEach((value) => forEachColumn(value.expr, collect));
  return {
    table: build.table,
    ...(build.filter !== undefined && { filter: build.filter }),
    groupBy: [],
    aggregates: [],
    outputs: [],
    orderBy: [],
    usedColumns: [...used].sort((a, b) => a - b),
    onError: plan.onError,
    sql: plan.sql,
    queryFile: plan.queryFile,
    keyed: build,
  };
}

/** buildCountPlan counts the build side's rows after its filter (to name the count when there are too many for a map). */
export function buildCountPlan(plan: Plan, index: number): Plan {
  const side = buildSidePlan(plan, index);
  const used = new Set<number>();
  forEachColumn(side.filter, (column) => void used.add(column));
  return { ...side, groupBy: [], aggregates: [{ fn: 'count_star', type: INTEGER }], outputs: [{ name: 'rows', source: { kind: 'aggregate', index: 0 }, type: INTEGER }], usedColumns: [...used].sort((a, b) => a - b) };
}

/** duplicateKey is the refusal of a build side with two rows of one key after its filter. */
export function duplicateKey(plan: Plan, index: number, key: bigint): QueryError {
  const build = joinBuild(plan, index);
  return new QueryError(plan.queryFile, build.at, `table '${build.table.name}' has more than one row with ${build.key.name} = ${key} after its filter; a joined table's key must be unique (Sluice joins each row of the largest table with at most one row of each other table)`);
}

/**
 * buildRows turns the answer of buildSidePlan into key -> values (in JoinBuild.values order),
 * refusing a key that more than one row has: the probe side finds one row per key. A NULL key joins
 * no row, so it is left out; a NULL value stays NULL (null), as the probe reads it.
 */
export function buildRows(plan: Plan, index: number, result: ResultTable): Map<bigint, Value[]> {
  const build = joinBuild(plan, index);
  const strings = build.values.map((value) => isString(value.expr.type));
  const stringCount = strings.filter(Boolean).length;
  const rows = new Map<bigint, Value[]>();
  for (const row of result.rows) {
    if (row[0] === null) continue;
    const key = row[0] as bigint;
    const count = row[1 + stringCount] as bigint;
    if (count > 1n || rows.has(key)) throw duplicateKey(plan, index, key);
    let nextString = 1;
    let nextOther = 2 + stringCount;
    rows.set(key, strings.map((isText) => (isText ? row[nextString++] : row[nextOther++]) as Value));
  }
  return rows;
}

function joinBuild(plan: Plan, index: number): JoinBuild {
  const build = plan.join?.builds[index];
  if (build === undefined) throw new RangeError(`the plan has no build side #${index}`);
  return build;
}
