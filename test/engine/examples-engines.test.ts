// Every example query in queries/ answers the same on the interpreter and the JIT, and equals the csv-parse baseline.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { executeQuery } from '../../src/engine/execute.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import type { Catalog } from '../../src/sql/plan.js';
import { projectRoot } from '../../src/util/paths.js';

const root = projectRoot();
const queries = readdirSync(join(root, 'queries')).filter((f) => f.endsWith('.sql')).sort();
let dir: string;
let catalog: Catalog;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-examples-'));
  generateTpch({ scaleFactor: 0.001, outDir: dir });
  copyFileSync(join(root, 'datasets', 'sensors.csv'), join(dir, 'sensors.csv'));
  copyFileSync(join(root, 'datasets', 'sensors.schema'), join(dir, 'sensors.schema'));
  catalog = directoryCatalog(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('example queries on both engines', () => {
  it('lists the example queries', () => expect(queries.length).toBeGreaterThanOrEqual(10));

  for (const name of queries) {
    it(name, async () => {
      const sql = readFileSync(join(root, 'queries', name), 'utf8');
      const base = { sql, queryFile: name, catalog, chunkBytes: 4096, link: {}, onError: 'stop' as const };
      // The interpreter run also ships everything and checks pushdown against the baseline.
      const interpreted = await executeQuery({ ...base, engine: 'interpreter', compare: true });
      const jitted = await executeQuery({ ...base, engine: 'jit', compare: false });
      expect(jitted.result).toEqual(interpreted.result);
      expect(jitted.pushdown.hook.instructions).toBe(interpreted.pushdown.hook.instructions);
      expect(interpreted.result.rows.length).toBeGreaterThan(0);
    });
  }
});
