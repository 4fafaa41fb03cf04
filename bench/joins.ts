// Joins by pushdown against ship-all: link bytes both ways (build sides included), and wall and CPU time against ship-all with the program on the compute node.
// `node dist/bench/joins.js --data /tmp/sf1 [--rounds 5] [--queries tpch-q12,tpch-q14,tpch-q19] [--base OTHER/dist/bin/sluice.cjs]`
// In this process, round by round, each query runs by pushdown and by ship-all with `--compute program` (the same compiled programs run on
// the compute node over the shipped tables), interleaved; medians of wall and CPU (user + system) time are reported, CPU being the steadier
// figure on a shared machine. With --base, `sluice query` of this build and of another run as whole processes under /usr/bin/time,
// interleaved, for wall, CPU and peak memory (A/B of the pushdown path).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { directoryCatalog } from '../src/datasets/catalog.js';
import { executeQuery, joinReport } from '../src/engine/execute.js';
import { shipAllJoin } from '../src/engine/join-shipall.js';
import { planQuery } from '../src/sql/bind.js';
import { positiveInteger } from '../src/util/option-values.js';
import { projectRoot } from '../src/util/paths.js';
import { type ProcessTime, timeNodeProcess } from './lib/process-time.js';
import { writeResults } from './lib/results-file.js';
import { markdownTable, median } from './lib/timing.js';

const options = new Command('joins')
  .requiredOption('--data <dir>', 'TPC-H tables (SF 1: `sluice gen tpch --sf 1 --out DIR`)')
  .option('--queries <names>', 'queries/ files, without .sql', 'tpch-q12,tpch-q14,tpch-q19')
  .option('--rounds <n>', 'interleaved rounds; medians are reported', positiveInteger, 5)
  .option('--chunk <bytes>', 'hook chunk size', positiveInteger, 4096)
  .option('--base <sluice.cjs>', 'another build\'s dist/bin/sluice.cjs (sluice.js before the launcher became CommonJS), whose `query` runs beside this build\'s (A/B)')
  .option('--out <file>', 'where to write the JSON results', 'bench/results/joins.json')
  .parse()
  .opts<{ data: string; queries: string; rounds: number; chunk: number; base?: string; out: string }>();

const root = projectRoot();
const catalog = directoryCatalog(options.data);
const rounds = options.rounds;
const common = { catalog, chunkBytes: options.chunk, onError: 'stop' as const, engine: 'jit' as const, link: {} };

interface Timed {
  readonly wall: number[];
  readonly cpu: number[];
}

/** timed runs `work` and adds its wall and CPU seconds to `into`. */
async function timed<T>(into: Timed, work: () => Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  into.wall.push((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpu);
  into.cpu.push((used.user + used.system) / 1e6);
  return result;
}

const queries = options.queries.split(',').map((name) => {
  const sql = readFileSync(join(root, 'queries', `${name}.sql`), 'utf8');
  return { name, sql, queryFile: `${name}.sql`, pushdown: { wall: [], cpu: [] } as Timed, shipAll: { wall: [], cpu: [] } as Timed };
});

// One untimed pass each warms the operating system's page cache; its bytes are the link figures (they do not vary).
const bytes = new Map<string, { pushdown: number; shipAll: number; fraction: number; builds: { table: string; toStorage: number; back: number; map: number }[] }>();
for (const q of queries) {
  const run = await executeQuery({ ...common, sql: q.sql, queryFile: q.queryFile, compare: true, compute: 'program' });
  const report = run.join;
  if (report?.shipAllBytes === undefined || report.fraction === undefined) throw new Error(`${q.name} is not a join`);
  bytes.set(q.name, {
    pushdown: report.pushdownBytes,
    shipAll: report.shipAllBytes,
    fraction: report.fraction,
    builds: report.builds.map((build) => ({
      table: build.table,
      toStorage: build.pushdown.reduce((sum, stats) => sum + stats.link.toStorage.payloadBytes, 0),
      back: build.pushdown.reduce((sum, stats) => sum + stats.link.toCompute.payloadBytes, 0),
      map: build.mapBytes,
    })),
  });
  process.stderr.write(`${q.name}: pushdown ${report.pushdownBytes} B, ship-all ${report.shipAllBytes} B\n`);
}

for (let round = 0; round < rounds; round++) {
  for (const q of queries) {
    const pushed = await timed(q.pushdown, () => executeQuery({ ...common, sql: q.sql, queryFile: q.queryFile, compare: false }));
    const shipped = await timed(q.shipAll, () => {
      const plan = planQuery(q.sql, catalog, { file: q.queryFile, onError: 'stop' });
      return shipAllJoin(plan, { ...common, compute: 'program' });
    });
    if (JSON.stringify(pushed.result.rows, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(shipped.result.rows, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) {
      throw new Error(`${q.name}: pushdown and ship-all answers differ`);
    }
    // The join report of this pass, only to check that it totals what the first pass did.
    if (joinReport([pushed.pushdown], pushed.builds ?? []).pushdownBytes !== bytes.get(q.name)?.pushdown) throw new Error(`${q.name}: link bytes changed between passes`);
  }
  process.stderr.write(`round ${round + 1} of ${rounds} done\n`);
}

const results = queries.map((q) => {
  const b = bytes.get(q.name);
  return {
    query: q.name,
    pushdownBytes: b?.pushdown,
    shipAllBytes: b?.shipAll,
    fractionOfShipAll: b?.fraction,
    builds: b?.builds,
    pushdown: { medianWallSeconds: median(q.pushdown.wall), medianCpuSeconds: median(q.pushdown.cpu), wall: q.pushdown.wall, cpu: q.pushdown.cpu },
    shipAllProgram: { medianWallSeconds: median(q.shipAll.wall), medianCpuSeconds: median(q.shipAll.cpu), wall: q.shipAll.wall, cpu: q.shipAll.cpu },
  };
});
const mib = (n: number | undefined) => ((n ?? 0) / 2 ** 20).toFixed(2);
console.log(
  markdownTable(
    ['query', 'pushdown MiB (both ways)', 'ship-all MiB', '% of ship-all', 'pushdown wall s', 'ship-all program wall s', 'pushdown CPU s', 'ship-all program CPU s'],
    results.map((r) => [
      r.query,
      mib(r.pushdownBytes),
      mib(r.shipAllBytes),
      `${((r.fractionOfShipAll ?? 0) * 100).toFixed(2)}%`,
      r.pushdown.medianWallSeconds.toFixed(2),
      r.shipAllProgram.medianWallSeconds.toFixed(2),
      r.pushdown.medianCpuSeconds.toFixed(2),
      r.shipAllProgram.medianCpuSeconds.toFixed(2),
    ]),
  ),
);

/** processRun runs `sluice query` of the build `cli` (its dist/bin/sluice.cjs) as a whole process, from that build's root. */
function processRun(cli: string, name: string): ProcessTime {
  return timeNodeProcess([cli, 'query', join(root, 'queries', `${name}.sql`), '--data', options.data], { cwd: dirname(dirname(dirname(cli))) });
}

const processes = options.base === undefined ? undefined : queries.map((q) => {
  const builds = { this: [] as ProcessTime[], base: [] as ProcessTime[] };
  for (let round = 0; round < rounds; round++) {
    builds.base.push(processRun(options.base as string, q.name));
    builds.this.push(processRun(join(root, 'dist', 'bin', 'sluice.cjs'), q.name));
  }
  const summary = (runs: ProcessTime[]) => ({
    medianWallSeconds: median(runs.map((r) => r.wallSeconds)),
    medianCpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    medianPeakMiB: median(runs.map((r) => r.peakMiB)),
    runs: runs.map((r) => ({ wall: r.wallSeconds, cpu: r.cpuSeconds, rssMiB: r.peakMiB })),
  });
  return { query: q.name, this: summary(builds.this), base: summary(builds.base) };
});
if (processes !== undefined) {
  console.log(
    markdownTable(
      ['query', 'base wall s', 'this wall s', 'base CPU s', 'this CPU s', 'base peak MiB', 'this peak MiB'],
      processes.map((p) => [
        p.query,
        p.base.medianWallSeconds.toFixed(2),
        p.this.medianWallSeconds.toFixed(2),
        p.base.medianCpuSeconds.toFixed(2),
        p.this.medianCpuSeconds.toFixed(2),
        p.base.medianPeakMiB.toFixed(0),
        p.this.medianPeakMiB.toFixed(0),
      ]),
    ),
  );
}
writeResults(options.out, { date: new Date().toISOString(), node: process.version, rounds, data: options.data, results, ...(processes && { processes }) });
