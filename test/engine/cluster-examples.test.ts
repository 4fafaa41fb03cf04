// Every example query merged over N = 1, 2, 3, 7 storage nodes equals the single-node answer and the ship-all answers (csv-parse, and DuckDB when installed).
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import { scanStopsAtLimit } from '../../src/sql/row-result.js';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import type { Catalog } from '../../src/sql/plan.js';
import { NodeService } from '../../src/storage/node-service.js';
import { projectRoot } from '../../src/util/paths.js';
import { InThreadNode } from './nodes.js';

const root = projectRoot();
const duckDbInstalled = await import('@duckdb/node-api').then(
  () => true,
  () => false,
);
const queries = readdirSync(join(root, 'queries')).filter((f) => f.endsWith('.sql')).sort();
let dir: string;
let catalog: Catalog;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-examples-'));
  generateTpch({ scaleFactor: 0.001, outDir: dir });
  copyFileSync(join(root, 'datasets', 'sensors.csv'), join(dir, 'sensors.csv'));
  copyFileSync(join(root, 'datasets', 'sensors.schema'), join(dir, 'sensors.schema'));
  catalog = directoryCatalog(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('example queries merged over N nodes', () => {
  for (const name of queries) {
    it(name, async () => {
      const sql = readFileSync(join(root, 'queries', name), 'utf8');
      const base = { sql, queryFile: name, catalog, chunkBytes: 4096, onError: 'stop' as const };
      // compare: the single node's answer is also checked against ship-all (csv-parse) inside executeQuery.
      const single = await executeQuery({ ...base, engine: 'jit', link: {}, compare: true });
      expect(single.shipAll?.result).toEqual(single.result);
      if (duckDbInstalled) {
        // DuckDB on the compute node answers every example: aggregates, joins and row selections.
        const duck = await executeQuery({ ...base, engine: 'jit', link: {}, compare: true, compute: 'duckdb' });
        expect(duck.shipAll?.result, 'DuckDB on the compute node').toEqual(single.result);
      }
      const service = new NodeService({ dataDir: dir, chunkBytes: 4096, engine: 'jit', link: {} });
      for (const n of [1, 2, 3, 7]) {
        const nodes = Array.from({ length: n }, (_, i) => new InThreadNode(i, service));
        const merged = await executeClusterQuery({ ...base, nodes });
        expect(merged.result, `${n} nodes`).toEqual(single.result);
        // Rows scanned: the same, except that under a LIMIT without ORDER BY the nodes scan in parallel and each stops only at its own LIMIT.
        if (scanStopsAtLimit(single.plan)) expect(merged.rows, `${n} nodes`).toBeGreaterThanOrEqual(single.rows);
        else expect(merged.rows, `${n} nodes`).toBe(single.rows);
      }
    });
  }
});
