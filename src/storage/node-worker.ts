// Entry of a cluster node's worker thread when Sluice runs from its modules (dist/src, tests); the bundled CLI starts dist/bin/node-worker.cjs (cli/node-worker-launch.ts).
import { workerData } from 'node:worker_threads';
import type { NodeConfig } from './node-service.js';
import { serveNodeWorker } from './worker-body.js';

serveNodeWorker(workerData as NodeConfig);
