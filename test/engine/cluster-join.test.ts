// A join on a cluster: each node runs the build side over its share of the small table, the merged map goes to every node with the probe program.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery, joinReport } from '../../src/engine/execute.js';
import { formatJoinReport } from '../../src/report/join.js';
import { NodeService } from '../../src/storage/node-service.js';
import { projectRoot } from '../../src/util/paths.js';
import { InThreadNode } from './nodes.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-join-'));
  generateTpch({ scaleFactor: 0.001, outDir: dir, tables: ['lineitem', 'orders', 'part', 'customer', 'nation'] });
  // Two rows with key 1, far apart: with two nodes each holds one of them.
  writeFileSync(join(dir, 'small.csv'), 'k,v\n1,10\n2,20\n3,30\n1,40\n');
  writeFileSync(join(dir, 'big.csv'), `k\n${Array.from({ length: 200 }, (_, i) => `${1 + (i % 3)}\n`).join('')}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nodesOf = (n: number) => {
  const service = new NodeService({ dataDir: dir, chunkBytes: 4096, engine: 'jit', link: {} });
  return Array.from({ length: n }, (_, i) => new InThreadNode(i, service));
};

describe('join build sides on the cluster nodes', () => {
  it.each(['tpch-q12', 'customers-by-nation'])('%s over 1, 2 and 3 nodes equals one node, each node scanning its share of the build table', async (name) => {
    const sql = readFileSync(join(projectRoot(), 'queries', `${name}.sql`), 'utf8');
    const base = { sql, queryFile: `${name}.sql`, catalog: directoryCatalog(dir), chunkBytes: 4096, onError: 'stop' as const };
    const single = await executeQuery({ ...base, engine: 'jit', link: {}, compare: false });
    for (const n of [1, 2, 3]) {
      const run = await executeClusterQuery({ ...base, nodes: nodesOf(n) });
      expect(run.result, `${n} nodes`).toEqual(single.result);
      const build = run.builds[0];
      expect(build?.map.spec).toEqual(single.builds?.[0]?.map.spec);
      // One build run per node, together reading the whole build table once (each node after the first also reads the header row).
      expect(build?.runs.length).toBe(n);
      const header = readFileSync(single.plan.join?.builds[0]?.table.path ?? '').indexOf(10) + 1;
      expect(build?.runs.reduce((sum, stats) => sum + stats.hook.bytes, 0)).toBe((single.builds?.[0]?.runs[0]?.hook.bytes ?? 0) + (n - 1) * header);
      // Every node's probe message carries the whole map.
      const mapBytes = (build?.map.spec.contents?.values.length ?? 0) + (build?.map.spec.contents?.keys?.length ?? 0);
      for (const node of run.nodes) expect(node.reply.stats.link.toStorage.payloadBytes).toBeGreaterThan(mapBytes);
      const report = joinReport(run.nodes.map((node) => node.reply.stats), run.builds);
      if (n > 1) expect(formatJoinReport(report)).toContain(`build runs on ${n} nodes`);
      expect(formatJoinReport(report).match(/^ {4}node \d+: /gm)?.length ?? 0).toBe(n > 1 ? n : 0);
    }
  });

  it('a key two nodes both hold is refused, naming it', async () => {
    const base = { sql: 'select count(*) from big, small where big.k = small.k', queryFile: 'dup.sql', catalog: directoryCatalog(dir), chunkBytes: 4096, onError: 'stop' as const };
    await expect(executeQuery({ ...base, engine: 'jit', link: {}, compare: false })).rejects.toThrow(/table 'small' has more than one row with k = 1 after its filter/);
    await expect(executeClusterQuery({ ...base, nodes: nodesOf(2) })).rejects.toThrow(/^dup\.sql:1:\d+: table 'small' has more than one row with k = 1 after its filter/);
  });
});
