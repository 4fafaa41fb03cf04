// The data every example query (queries/*.sql) runs over in the engine tests: TPC-H at SF 0.001 and the sensors table, in a folder made before a file's tests and removed after.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import type { Catalog } from '../../src/sql/plan.js';
import { projectRoot } from '../../src/util/paths.js';

/** EXAMPLE_QUERIES are the file names in queries/, sorted. */
export const EXAMPLE_QUERIES = readdirSync(join(projectRoot(), 'queries')).filter((f) => f.endsWith('.sql')).sort();

/** ExampleData is the folder and its catalog, filled in before the file's first test. */
export interface ExampleData {
  dir: string;
  catalog: Catalog;
}

/** useExampleData makes the folder (named after `prefix`) before the file's tests and removes it after them. */
export function useExampleData(prefix: string): ExampleData {
  const data = { dir: '' } as ExampleData;
  beforeAll(() => {
    data.dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    generateTpch({ scaleFactor: 0.001, outDir: data.dir });
    for (const file of ['sensors.csv', 'sensors.schema']) copyFileSync(join(projectRoot(), 'datasets', file), join(data.dir, file));
    data.catalog = directoryCatalog(data.dir);
  });
  afterAll(() => rmSync(data.dir, { recursive: true, force: true }));
  return data;
}
