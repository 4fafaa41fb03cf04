// Test helpers for join plans: build maps from synthetic rows (compile-only tests) or from the baseline's reading of the build tables.
import { readFileSync } from 'node:fs';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { buildMap, rowEntries, type BuildMap } from '../../src/codegen/build-map.js';
import { buildRows, buildSidePlan } from '../../src/sql/join-build.js';
import type { Plan } from '../../src/sql/plan.js';
import { isString, type Value } from '../../src/values/types.js';
import { isFlag } from '../../src/sql/join-plan.js';

/** exampleBuildMaps makes each build side's map from two synthetic rows: keys 1 and 2 (an array map) or -5 and 10^9 (a hash map). */
export function exampleBuildMaps(plan: Plan, type: 'array' | 'hash' = 'array'): BuildMap[] {
  return (plan.join?.builds ?? []).map((build, index) => {
    const values = build.values.map((value): Value => (isFlag(value.expr) ? 1n : isString(value.expr.type) ? 'x' : 0n));
    const keys = type === 'array' ? [1n, 2n] : [-5n, 1_000_000_000n];
    return buildMap(build, index, rowEntries(build, new Map(keys.map((key) => [key, values]))));
  });
}

/** baselineBuildRows reads each build table whole with the csv-parse baseline and returns its rows by key. */
export function baselineBuildRows(plan: Plan): Map<bigint, Value[]>[] {
  return (plan.join?.builds ?? []).map((_, index) => {
    const side = buildSidePlan(plan, index);
    const consumer = createBaselineConsumer(side);
    consumer.write(readFileSync(side.table.path));
    return buildRows(plan, index, consumer.end());
  });
}

/** baselineBuildMaps is baselineBuildRows made into the maps the probe program loads. */
export function baselineBuildMaps(plan: Plan, rows = baselineBuildRows(plan)): BuildMap[] {
  return (plan.join?.builds ?? []).map((build, index) => buildMap(build, index, rowEntries(build, rows[index] as Map<bigint, Value[]>)));
}
