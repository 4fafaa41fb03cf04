import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { planQuery } from '../../../src/query/bind.js';
import { createBaselineConsumer } from '../../../src/query/baseline.js';
import { compileQuery } from '../../../src/query/codegen/compile.js';
import { memoryCatalog, tpchTable } from '../helpers.js';
import { scanWithInterpreter } from './harness.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
test('q6 smoke', () => {
  const catalog = memoryCatalog(tpchTable('lineitem', fixture('lineitem.tbl')));
  for (const q of ['q6.sql', 'q1.sql']) {
    const plan = planQuery(readFileSync(fixture(q), 'utf8'), catalog);
    const compiled = compileQuery(plan);
    const bytes = readFileSync(fixture('lineitem.tbl'));
    const base = createBaselineConsumer(plan); base.write(bytes); const expected = base.end();
    for (const size of [1, 7, 64, 4096 > 3520 ? 3520 : 4096]) {
      const run = scanWithInterpreter(compiled, bytes, size);
      expect(compiled.decode(run.read)).toEqual(expected);
    }
  }
});
