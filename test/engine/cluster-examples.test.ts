// Every example query merged over N = 1, 2, 3, 7 storage nodes equals the single-node answer and the ship-all answers (csv-parse, and DuckDB when installed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanStopsAtLimit } from '../../src/sql/row-result.js';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import { NodeService } from '../../src/storage/node-service.js';
import { projectRoot } from '../../src/util/paths.js';
import { InThreadNode } from './nodes.js';
import { EXAMPLE_QUERIES, useExampleData } from './example-data.js';

const root = projectRoot();
const duckDbInstalled = await import('@duckdb/node-api').then(
  () => true,
  () => false,
);
const queries = EXAMPLE_QUERIES;
const data = useExampleData('sluice-cluster-examples');

describe('example queries merged over N nodes', () => {
  for (const name of queries) {
    it(name, async () => {
      const sql = readFileSync(join(root, 'queries', name), 'utf8');
      const base = { sql, queryFile: name, catalog: data.catalog, chunkBytes: 4096, onError: 'stop' as const };
      // compare: the single node's answer is also checked against ship-all (csv-parse) inside executeQuery.
      const single = await executeQuery({ ...base, engine: 'jit', link: {}, compare: true });
      expect(single.shipAll?.result).toEqual(single.result);
      if (duckDbInstalled) {
        // DuckDB on the compute node answers every example: aggregates, joins and row selections.
        const duck = await executeQuery({ ...base, engine: 'jit', link: {}, compare: true, compute: 'duckdb' });
        expect(duck.shipAll?.result, 'DuckDB on the compute node').toEqual(single.result);
      }
      const service = new NodeService({ dataDir: data.dir, chunkBytes: 4096, engine: 'jit', link: {} });
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
