// The body of a worker thread that is one cluster storage node: a NodeService answering the compute node's messages.
import { parentPort } from 'node:worker_threads';
import { shareModulesThrough } from '../vm/jit/module-cache.js';
import type { RangeReply } from './cluster-node.js';
import { workerExchange } from './module-exchange.js';
import { NodeService, type NodeConfig } from './node-service.js';

/** NodeWorkerRequest is a message to the worker; NodeWorkerResponse its answer (same id). */
export type NodeWorkerRequest =
  | { readonly id: number; readonly kind: 'run'; readonly request: Uint8Array }
  | { readonly id: number; readonly kind: 'lines'; readonly file: string; readonly end: number };
export type NodeWorkerResponse =
  | { readonly id: number; readonly reply: RangeReply | number }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string } };

/**
 * serveNodeWorker makes this worker thread the storage node `config` describes and answers the
 * compute node's messages from now on. `beforeReply` runs when a request has succeeded, before its
 * reply is posted (not after: the compute node stops a worker as soon as it has every reply).
 */
export function serveNodeWorker(config: NodeConfig, beforeReply?: () => void): void {
  const port = parentPort;
  if (!port) throw new Error('serveNodeWorker runs in a worker thread');
  if (config.modules) shareModulesThrough(workerExchange(config.modules));
  const service = new NodeService(config, performance.timeOrigin + performance.now());
  setInterval(() => service.sampleHeap(), 20).unref();

  port.on('message', (message: NodeWorkerRequest) => {
    const work = message.kind === 'run' ? service.run(message.request) : service.countLines(message.file, message.end);
    work.then(
      (reply) => {
        beforeReply?.();
        // The result message moves to the compute node's thread instead of being copied.
        port.postMessage({ id: message.id, reply } satisfies NodeWorkerResponse, typeof reply === 'number' ? [] : [reply.result.buffer as ArrayBuffer]);
      },
      (error: unknown) => {
        const { name, message: text } = error instanceof Error ? error : { name: 'Error', message: String(error) };
        port.postMessage({ id: message.id, error: { name, message: text } } satisfies NodeWorkerResponse);
      },
    );
  });
}
