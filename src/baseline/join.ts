// The compute node's hash join: a join's build rows in JavaScript maps, looked up for each probe row the baseline reads.
import type { Plan } from '../sql/plan.js';
import type { Value } from '../values/types.js';
import type { JoinLookup } from './evaluate.js';

/** joinLookup finds a probe row's key among build side `build`'s rows (key -> values) and sets the row's build value columns. */
export function joinLookup(plan: Plan, rows: readonly ReadonlyMap<bigint, readonly Value[]>[]): JoinLookup {
  const builds = plan.join?.builds ?? [];
  return (build, key, row) => {
    const values = rows[build]?.get(key as bigint);
    const columns = builds[build]?.values;
    if (values === undefined || columns === undefined) return false;
    for (let i = 0; i < columns.length; i++) row[(columns[i] as (typeof columns)[number]).column] = values[i] as Value;
    return true;
  };
}
