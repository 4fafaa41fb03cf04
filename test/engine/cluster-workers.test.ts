// Cluster nodes in worker threads: a parallel query answers like one node; a node whose tenant aborts or whose worker dies fails the query by name, and no worker is left running.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executeClusterQuery, withNodes } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import type { NodeConfig } from '../../src/storage/node-service.js';
import { WorkerNode } from '../../src/storage/worker-node.js';
import { INTEGER } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { workerScript } from './nodes.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-workers-'));
const table = csvTable('t', join(dir, 't.csv'), [
  ['k', INTEGER],
  ['v', INTEGER],
]);
const catalog = memoryCatalog(table);
const SQL = 'select k, count(*) as n, sum(v) as s from t group by k';
const query = { sql: SQL, queryFile: 'q.sql', catalog, chunkBytes: 4096, onError: 'stop' as const };

beforeAll(() => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `${i % 7},${i}`);
  writeFileSync(table.path, `k,v\n${rows.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function workers(n: number, extra: Partial<NodeConfig> = {}): WorkerNode[] {
  return Array.from({ length: n }, (_, i) => new WorkerNode(i, { dataDir: dir, chunkBytes: 4096, engine: 'jit', link: {}, ...extra }, workerScript()));
}

describe('worker-thread nodes', () => {
  test('two workers answer as one node does, each over its own half, and are stopped afterwards', async () => {
    const single = await executeQuery({ ...query, engine: 'jit', link: {}, compare: false });
    let nodes: WorkerNode[] = [];
    const run = await withNodes(
      () => (nodes = workers(2)),
      (all) => executeClusterQuery({ ...query, nodes: all }),
    );
    expect(run.result).toEqual(single.result);
    expect(run.nodes.map((node) => node.name)).toEqual(['node 0 (worker)', 'node 1 (worker)']);
    expect(run.nodes[0]?.reply.start).toBe(0);
    expect(run.nodes[0]?.reply.end).toBe(run.nodes[1]?.reply.start);
    expect(run.nodes.every((node) => node.reply.stats.hook.bytes > 0)).toBe(true);
    expect(nodes.some((node) => node.running)).toBe(false);
  });

  test('a tenant aborted on one node fails the query naming the node; every worker is stopped', async () => {
    let nodes: WorkerNode[] = [];
    const failed = withNodes(
      () => (nodes = workers(3, { chunkBudget: 50 })),
      (all) => executeClusterQuery({ ...query, nodes: all }),
    );
    await expect(failed).rejects.toThrow(/^node \d \(worker\): tenant ".*" aborted at chunk 0/);
    expect(nodes.some((node) => node.running)).toBe(false);
  });

  test('a worker that dies fails the query naming its node; the other workers are stopped', async () => {
    let nodes: WorkerNode[] = [];
    const failed = withNodes(
      () => (nodes = workers(3)),
      (all) => {
        // The worker is stopped once the request is on its way (stopped earlier, it would refuse the request as not running).
        const victim = nodes[1] as WorkerNode;
        const run = victim.run.bind(victim);
        victim.run = (request) => {
          const answer = run(request);
          void victim.close();
          return answer;
        };
        return executeClusterQuery({ ...query, nodes: all });
      },
    );
    await expect(failed).rejects.toThrow(/^node 1 \(worker\): its worker stopped \(exit code \d+\) before answering/);
    expect(nodes.some((node) => node.running)).toBe(false);
  });
});
