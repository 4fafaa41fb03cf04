// Test helpers: cluster nodes in this thread (NodeService without a worker), and the worker body bundled for WorkerNode.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import type { ClusterNode, RangeReply } from '../../src/storage/cluster-node.js';
import type { NodeService } from '../../src/storage/node-service.js';

/**
 * InThreadNode is a ClusterNode served by a NodeService in the test's own thread. Several may share
 * one service (one StorageNode, which verifies each program once), so that tests can use hundreds
 * of nodes to place a split point at every byte; worker tests cover nodes with engines of their own.
 */
export class InThreadNode implements ClusterNode {
  readonly name: string;

  constructor(
    index: number,
    private readonly service: NodeService,
  ) {
    this.name = `node ${index} (in thread)`;
  }

  run(request: Uint8Array): Promise<RangeReply> {
    return this.service.run(request);
  }

  countLines(file: string, end: number): Promise<number> {
    return this.service.countLines(file, end);
  }

  async close(): Promise<void> {}
}

let bundled: URL | undefined;

/** workerScript bundles src/storage/node-worker.ts once into a temporary .mjs file that a Worker can load. */
export function workerScript(): URL {
  if (bundled) return bundled;
  const out = join(mkdtempSync(join(tmpdir(), 'sluice-worker-')), 'node-worker.mjs');
  buildSync({
    entryPoints: [join(import.meta.dirname, '..', '..', 'src', 'storage', 'node-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    external: ['koffi'],
    logLevel: 'error',
  });
  bundled = pathToFileURL(out);
  return bundled;
}
