// Every example query's program passes Sluice's verifier with the storage hook's context, and the interpreter may rely on its facts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { planQuery } from '../../src/sql/bind.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { verify } from '../../src/verifier/verifier.js';
import { exampleCatalog } from '../sql/helpers.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';
import { exampleBuildMaps } from './join-maps.js';
import { buildKeyedPlan } from '../../src/sql/join-build.js';

const QUERIES = join(import.meta.dirname, '../../queries');
const catalog = exampleCatalog();

describe('Sluice verifier', () => {
  test.each(readdirSync(QUERIES).filter((f) => f.endsWith('.sql')).sort())('%s', (file) => {
    const plan = planQuery(readFileSync(join(QUERIES, file), 'utf8'), catalog);
    // A join's probe program is checked with array and with hash build maps.
    for (const type of plan.join === undefined ? (['array'] as const) : (['array', 'hash'] as const)) {
      const compiled = compileQuery(plan, { buildMaps: exampleBuildMaps(plan, type) });
      const result = verify(compiled.spec, { context: HOOK_CONTEXT });
      expect(result.stats.processedInsns).toBeGreaterThan(compiled.spec.insns.length / 2);
      console.log(`${file}${plan.join ? ` (${type} build maps)` : ''}: Sluice verifier processed ${result.stats.processedInsns} insns, ${result.stats.states} states`);
    }
    // Each build side's own program, filling an array and a hash map.
    (plan.join?.builds ?? []).forEach((_, index) => {
      for (const arrayEntries of [1, 1000]) {
        const compiled = compileQuery(buildKeyedPlan(plan, index), { keyedMap: { arrayEntries, hashEntries: 1000 } });
        const result = verify(compiled.spec, { context: HOOK_CONTEXT });
        expect(result.stats.processedInsns).toBeGreaterThan(compiled.spec.insns.length / 2);
      }
    });
  });
});
