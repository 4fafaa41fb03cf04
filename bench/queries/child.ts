// One pushdown query in a fresh process, reporting wall time and peak memory (the scaling bench runs this).
// usage: node dist/bench/queries/child.js <query.sql> <data dir> <chunk bytes> <engine>
import { readFileSync } from 'node:fs';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { executeQuery } from '../../src/engine/execute.js';
import type { EngineName } from '../../src/vm/engine.js';

const [queryFile, dataDir, chunk, engine] = process.argv.slice(2);
if (!queryFile || !dataDir || !chunk || !engine) throw new Error('usage: child.js <query.sql> <data dir> <chunk bytes> <engine>');
const started = performance.now();
const run = await executeQuery({
  sql: readFileSync(queryFile, 'utf8'),
  queryFile,
  catalog: directoryCatalog(dataDir),
  engine: engine as EngineName,
  chunkBytes: Number(chunk),
  link: {},
  compare: false,
  onError: 'stop',
});
const wallSeconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({
    wallSeconds,
    fileBytes: run.pushdown.fileBytes,
    rows: run.rows,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    hookSeconds: run.pushdown.hook.cpuSeconds,
    loadSeconds: run.pushdown.hook.loadSeconds,
  })}\n`,
);
