// Entry of a cluster node's worker thread in the bundled CLI (dist/bin/node-worker.cjs): runs the node's code (worker-body.cjs) through V8 with a code cache from the program store, as the launcher runs the CLI.
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import type { NodeConfig } from '../storage/node-service.js';
import { ProgramStore } from '../storage/program-store.js';
import type { serveNodeWorker } from '../storage/worker-body.js';
import { runCachedScript } from '../util/cached-script.js';

const config = workerData as NodeConfig;
const body = runCachedScript<{ serveNodeWorker: typeof serveNodeWorker }>(
  fileURLToPath(new URL('./worker-body.cjs', import.meta.url)),
  'cluster node',
  config.store && ProgramStore.open(config.store.dir, config.store.build),
);
// Once its first request is done the node has compiled what a query needs: the cache (when missing) is written then.
body.exports.serveNodeWorker(config, () => body.save());
