// Storage bench: examples/filter-sum.s pushed down (per engine) vs ship-all with csv-parse, on a generated CSV.
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Command } from 'commander';
import { assemble } from '../src/asm/assembler.js';
import { Link } from '../src/net/link.js';
import { parseDuration, parseRate } from '../src/net/units.js';
import { buildReport } from '../src/report/data-movement.js';
import { reportJson } from '../src/report/json.js';
import { formatReport } from '../src/report/table.js';
import { StorageNode } from '../src/storage/node.js';
import { runPushdown } from '../src/storage/pushdown.js';
import { runShipAll } from '../src/storage/shipall.js';
import type { EngineName } from '../src/vm/engine.js';
import { formatCount } from '../src/util/count.js';
import { decodeFilterSum, filterSumConsumer, filterSumProgram, ordersLines } from './lib/filter-sum.js';
import { writeResults } from './lib/results-file.js';
import { positiveInteger } from '../src/util/option-values.js';

const options = new Command('bench-storage')
  .option('--rows <n>', 'rows of id,name,qty,price to generate', positiveInteger, 200000)
  .option('--chunk <bytes>', 'chunk size at the hook', positiveInteger, 4096)
  .option('--engines <list>', 'engines to push down with', 'interpreter,jit')
  .option('--link <rate>', 'link bandwidth', '10gbit')
  .option('--latency <time>', 'link one-way latency', '50us')
  .option('--devices <n>', 'NVMe devices striped on the node', positiveInteger, 1)
  .option('--data <dir>', 'where the generated CSV is cached', '/tmp/sluice-storage-bench')
  .parse()
  .opts<{ rows: number; chunk: number; engines: string; link: string; latency: string; devices: number; data: string }>();

const rows = options.rows;
const file = `orders-${rows}.csv`;
mkdirSync(options.data, { recursive: true });
if (!existsSync(join(options.data, file))) await writeOrders(join(options.data, file), rows);
const fileBytes = statSync(join(options.data, file)).size;
const spec = filterSumProgram();
const nodeOptions = { dataDir: options.data, chunkBytes: options.chunk, devices: { count: options.devices } };
const linkOptions = { bandwidth: parseRate(options.link), latency: parseDuration(options.latency) };

const shipAll = await runShipAll({ node: new StorageNode(nodeOptions), link: new Link(linkOptions), file, rows, consumer: filterSumConsumer() });

// The read path's own cost: runs with a program that only consumes each chunk; process CPU time
// (user + system), best of three, because wall time on a shared machine mostly measures the others.
const dropAll = assemble('r0 = 1\nexit\n', { name: 'drop_all' });
let readPathSeconds = Infinity;
for (let i = 0; i < 3; i++) {
  const cpu = process.cpuUsage();
  await runPushdown({ node: new StorageNode(nodeOptions), link: new Link(linkOptions), file, spec: dropAll });
  const used = process.cpuUsage(cpu);
  readPathSeconds = Math.min(readPathSeconds, (used.user + used.system) / 1e6);
}
const readPathMBps = fileBytes / 1e6 / readPathSeconds;

const results = [];
for (const engine of options.engines.split(',') as EngineName[]) {
  const started = performance.now();
  const pushdown = await runPushdown({ node: new StorageNode({ ...nodeOptions, engine }), link: new Link(linkOptions), file, spec, rows });
  const wallSeconds = (performance.now() - started) / 1000;
  const answer = decodeFilterSum(pushdown.maps);
  if (answer.sum !== shipAll.result.sum || answer.count !== shipAll.result.count) {
    throw new Error(`${engine}: pushdown answered ${answer.sum}/${answer.count}, ship-all ${shipAll.result.sum}/${shipAll.result.count}`);
  }
  const report = buildReport(pushdown.stats, shipAll.stats);
  process.stdout.write(`\n## ${engine}\n\n${formatReport(report)}`);
  const hook = pushdown.stats.hook;
  results.push({
    engine,
    hookMBps: fileBytes / 1e6 / hook.cpuSeconds,
    wallMBps: fileBytes / 1e6 / wallSeconds,
    instructionsPerByte: hook.instructions / fileBytes,
    instructionsPerSecond: hook.instructions / hook.cpuSeconds,
    report: reportJson(report),
  });
}

const shipAllMBps = fileBytes / 1e6 / shipAll.stats.computeSeconds;
process.stdout.write(
  `\n| ${formatCount(fileBytes)} bytes, ${formatCount(rows)} rows, ${options.chunk}-byte chunks | MB/s (program time) | MB/s (whole run, wall) | eBPF insns/byte | M insns/s |\n|---|---|---|---|---|\n`,
);
process.stdout.write(`| read path alone (program: r0 = 1; exit; process CPU time) | – | ${readPathMBps.toFixed(1)} | – | – |\n`);
for (const r of results) {
  process.stdout.write(
    `| pushdown filter-sum, ${r.engine} | ${r.hookMBps.toFixed(1)} | ${r.wallMBps.toFixed(1)} | ${r.instructionsPerByte.toFixed(1)} | ${(r.instructionsPerSecond / 1e6).toFixed(0)} |\n`,
  );
}
process.stdout.write(`| ship-all, csv-parse on the compute node | ${shipAllMBps.toFixed(1)} | – | – | – |\n`);
writeResults('bench/results/storage.json', { fileBytes, rows, chunkBytes: options.chunk, readPathMBps, shipAllMBps, results });

/** writeOrders writes the deterministic orders CSV that filter-sum reads. */
async function writeOrders(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (const line of ordersLines(count)) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}
