// The body of a worker thread that is one cluster storage node: a NodeService answering the compute node's messages.
import { parentPort, workerData } from 'node:worker_threads';
import type { RangeReply } from './cluster-node.js';
import { NodeService, type NodeConfig } from './node-service.js';

/** NodeWorkerRequest is a message to the worker; NodeWorkerResponse its answer (same id). */
export type NodeWorkerRequest =
  | { readonly id: number; readonly kind: 'run'; readonly request: Uint8Array }
  | { readonly id: number; readonly kind: 'lines'; readonly file: string; readonly end: number };
export type NodeWorkerResponse =
  | { readonly id: number; readonly reply: RangeReply | number }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string } };

const service = new NodeService(workerData as NodeConfig, performance.timeOrigin + performance.now());
setInterval(() => service.sampleHeap(), 20).unref();

parentPort?.on('message', (message: NodeWorkerRequest) => {
  const work = message.kind === 'run' ? service.run(message.request) : service.countLines(message.file, message.end);
  work.then(
    // The result message moves to the compute node's thread instead of being copied.
    (reply) => parentPort?.postMessage({ id: message.id, reply } satisfies NodeWorkerResponse, typeof reply === 'number' ? [] : [reply.result.buffer as ArrayBuffer]),
    (error: unknown) => {
      const { name, message: text } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      parentPort?.postMessage({ id: message.id, error: { name, message: text } } satisfies NodeWorkerResponse);
    },
  );
});
