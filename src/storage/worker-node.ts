// A cluster storage node in a worker thread of this process: one engine instance per thread, so nodes scan in parallel.
import { Worker } from 'node:worker_threads';
import { NodeFailed, type ClusterNode, type RangeReply } from './cluster-node.js';
import { ModuleBroker } from './module-exchange.js';
import type { NodeConfig } from './node-service.js';
import type { NodeWorkerRequest, NodeWorkerResponse } from './worker-body.js';

/**
 * startWorkerNodes starts `count` worker-thread nodes serving `config`. Starting them is cheap for
 * the caller (each thread loads the node's code by itself), so a caller starts them as early as it
 * knows the data directory: the threads then load while it plans and compiles the query.
 */
export function startWorkerNodes(count: number, config: NodeConfig): WorkerNode[] {
  const modules = new ModuleBroker();
  return Array.from({ length: count }, (_, i) => new WorkerNode(i, config, NODE_WORKER_SCRIPT, modules));
}

/** withStart adds when the thread was asked for to a reply's timeline. */
function withStart(reply: RangeReply | number, startedAt: number): RangeReply | number {
  return typeof reply === 'number' || !reply.timeline ? reply : { ...reply, timeline: { ...reply.timeline, startedAt } };
}

/** workerNodeConfig is the NodeConfig of worker nodes serving `dataDir` with a query's chunk size, engine, devices and link. */
export function workerNodeConfig(dataDir: string, options: Omit<NodeConfig, 'dataDir'>): NodeConfig {
  const { chunkBytes, engine, link, devices, chunkBudget, store } = options;
  return { dataDir, chunkBytes, engine, link, ...(devices ? { devices } : {}), ...(chunkBudget === undefined ? {} : { chunkBudget }), ...(store ? { store } : {}) };
}

/**
 * NODE_WORKER_SCRIPT is the worker's entry beside this module, of the same module kind: node-worker.cjs
 * beside the bundled CLI's main.cjs (dist/bin, see scripts/bundle-cli.mjs), else dist/src/storage/node-worker.js.
 */
export const NODE_WORKER_SCRIPT = new URL(import.meta.url.endsWith('.cjs') ? './node-worker.cjs' : './node-worker.js', import.meta.url);

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  readonly resolve: (value: RangeReply | number) => void;
  readonly reject: (error: Error) => void;
}

/**
 * WorkerNode runs one storage node in its own worker thread and talks to it by messages. A node
 * whose thread dies (it crashed or was stopped) fails every request in flight with NodeFailed
 * naming the node; `close` stops the thread.
 */
export class WorkerNode implements ClusterNode {
  readonly name: string;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  /** When the worker thread was asked for (ms since the epoch), for the node's timeline. */
  readonly startedAt = performance.timeOrigin + performance.now();

  constructor(
    index: number,
    data: NodeConfig,
    script: URL = NODE_WORKER_SCRIPT,
    /** The broker through which the workers started together share compiled JIT modules, if any. */
    modules?: ModuleBroker,
  ) {
    this.name = `node ${index} (worker)`;
    const place = modules?.connect();
    this.worker = new Worker(script, { workerData: { ...data, ...(place && { modules: place }) }, ...(place && { transferList: [place.port] }) });
    this.worker.on('message', (message: NodeWorkerResponse) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if ('error' in message) pending.reject(new NodeFailed(this.name, message.error.message));
      else pending.resolve(withStart(message.reply, this.startedAt));
    });
    this.worker.on('error', (error) => this.fail(`its worker crashed: ${error.message}`, error));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (place) modules?.disconnect(place);
      this.fail(`its worker stopped (exit code ${code}) before answering`);
    });
  }

  /** running says whether the node's thread is still alive. */
  get running(): boolean {
    return !this.exited;
  }

  async run(request: Uint8Array): Promise<RangeReply> {
    return (await this.send({ kind: 'run', request })) as RangeReply;
  }

  async countLines(file: string, end: number): Promise<number> {
    return (await this.send({ kind: 'lines', file, end })) as number;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await this.worker.terminate();
    this.exited = true;
  }

  private send(message: WithoutId<NodeWorkerRequest>): Promise<RangeReply | number> {
    if (this.exited) return Promise.reject(new NodeFailed(this.name, 'its worker is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id } as NodeWorkerRequest);
    });
  }

  private fail(reason: string, cause?: unknown): void {
    for (const pending of this.pending.values()) pending.reject(new NodeFailed(this.name, reason, { cause }));
    this.pending.clear();
  }
}
