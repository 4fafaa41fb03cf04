// Whole-process wall clock and CPU time of cluster queries: `sluice query` (one node, no worker) vs `--nodes 1` vs `--nodes 2` vs DuckDB over the same CSV, interleaved, with each node's phases and peak memory.
// usage: node dist/bench/cluster.js [--data /tmp/sf1] [--queries tpch-q6,tpch-q1] [--rounds 3] [--threads 2] [--out bench/results/cluster.json]
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { positiveInteger } from '../src/util/option-values.js';
import { projectRoot } from '../src/util/paths.js';
import { timeNodeProcess } from './lib/process-time.js';
import { writeResults } from './lib/results-file.js';
import { median } from './lib/timing.js';

const values = new Command('cluster')
  .option('--data <dir>', 'TPC-H tables (SF 1: `sluice gen tpch --sf 1 --out DIR`)', '/tmp/sf1')
  .option('--queries <names>', 'queries/ files, without .sql', 'tpch-q6,tpch-q1')
  .option('--rounds <n>', 'interleaved rounds; medians are reported', positiveInteger, 3)
  .option('--threads <n>', 'DuckDB\'s threads', '2')
  .option('--out <file>', 'where to write the JSON results', 'bench/results/cluster.json')
  .parse()
  .opts<{ data: string; queries: string; rounds: number; threads: string; out: string }>();
const root = projectRoot();
// The bundle, as users run it (package.json's bin), so that worker threads load the bundled node-worker.js.
const cli = join(root, 'dist', 'bin', 'sluice.cjs');
const duck = join(root, 'dist', 'bench', 'duckdb-query.js');

interface Sample {
  readonly wallSeconds: number;
  /** User plus system CPU time of the whole process (all its threads). */
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
  readonly nodeHeapMiB: number[];
  /** Per node, ms since the process started: code loaded, request received, answered; and verify+load and hook ms. */
  readonly phases: string;
  /**
   * The part of a cluster run that no node's scan overlaps: from the process's start until the last
   * node had verified and loaded the program (its scan starts then), plus from the last node's answer
   * until the process ended. NaN for runs without nodes.
   */
  readonly serialSeconds: number;
  readonly answer: string;
}

/** timed runs `node ...args` from the project's root as a whole process. */
function timed(args: string[]): { wallSeconds: number; cpuSeconds: number; maxRssMiB: number; startedAt: number; stdout: string } {
  const run = timeNodeProcess(args, { cwd: root });
  return { ...run, maxRssMiB: run.peakMiB };
}

const configs: Record<string, (query: string) => Sample> = {
  'sluice (one node, no worker)': (query) => {
    const run = timed([cli, 'query', query, '--data', values.data, '--json']);
    const out = JSON.parse(run.stdout) as { result: { rows: unknown[][] } };
    return { wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, maxRssMiB: run.maxRssMiB, nodeHeapMiB: [], phases: '', serialSeconds: NaN, answer: String(out.result.rows[0]?.[0]) };
  },
  'sluice --nodes 1': (query) => sluice(query, 1),
  'sluice --nodes 2': (query) => sluice(query, 2),
  [`duckdb ${values.threads} threads`]: (query) => {
    const run = timed([duck, query, values.data, values.threads]);
    return { wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, maxRssMiB: run.maxRssMiB, nodeHeapMiB: [], phases: '', serialSeconds: NaN, answer: (JSON.parse(run.stdout) as { first: string }).first };
  },
};

function sluice(query: string, nodes: number): Sample {
  const run = timed([cli, 'query', query, '--data', values.data, '--nodes', String(nodes), '--json']);
  const out = JSON.parse(run.stdout) as { result: { rows: unknown[][] }; report: { nodes: ClusterNodeJson[] } };
  const at = (epochMs: number | undefined) => (epochMs === undefined ? '?' : (epochMs - run.startedAt).toFixed(0));
  const phases = out.report.nodes
    .map(({ timeline: t, stats }) => `${at(t?.loadedAt)}/${at(t?.receivedAt)}/${at(t?.answeredAt)} (${(stats.hook.loadSeconds * 1000).toFixed(0)}+${(stats.hook.cpuSeconds * 1000).toFixed(0)})`)
    .join(' ');
  const scanning = Math.max(...out.report.nodes.map(({ timeline: t, stats }) => (t?.receivedAt ?? NaN) + stats.hook.loadSeconds * 1000));
  const answered = Math.max(...out.report.nodes.map(({ timeline: t }) => t?.answeredAt ?? NaN));
  return {
    wallSeconds: run.wallSeconds,
    cpuSeconds: run.cpuSeconds,
    maxRssMiB: run.maxRssMiB,
    nodeHeapMiB: out.report.nodes.map((node) => (node.peakHeapBytes ?? 0) / 2 ** 20),
    phases,
    serialSeconds: (scanning - run.startedAt + (run.startedAt + run.wallSeconds * 1000 - answered)) / 1000,
    answer: String(out.result.rows[0]?.[0]),
  };
}

/** ClusterNodeJson is what the bench reads of a node in `--json`'s report. */
interface ClusterNodeJson {
  readonly peakHeapBytes?: number;
  readonly timeline?: { readonly loadedAt: number; readonly receivedAt: number; readonly answeredAt: number };
  readonly stats: { readonly hook: { readonly loadSeconds: number; readonly cpuSeconds: number } };
}

const load = [loadavg()];
const samples: Record<string, Record<string, Sample[]>> = {};
for (let round = 0; round < values.rounds; round++) {
  for (const name of values.queries.split(',')) {
    const query = join('queries', `${name}.sql`);
    for (const [config, run] of Object.entries(configs)) {
      const sample = run(query);
      ((samples[name] ??= {})[config] ??= []).push(sample);
      process.stderr.write(`round ${round + 1} ${name} ${config}: ${sample.wallSeconds.toFixed(2)} s wall, ${sample.cpuSeconds.toFixed(2)} s CPU, answer ${sample.answer} ${sample.phases}\n`);
    }
  }
}
load.push(loadavg());

const cores = availableParallelism();
const lines = ['| query | configuration | wall s (median) | runs | CPU s (median) | serial s (median) | max RSS MiB | peak heap per node MiB | × vs one node | × vs --nodes 1 |', '|---|---|---:|---|---:|---:|---:|---|---:|---:|'];
const ceilings: string[] = [];
for (const [name, byConfig] of Object.entries(samples)) {
  const one = median((byConfig['sluice --nodes 1'] ?? []).map((s) => s.wallSeconds));
  const single = median((byConfig['sluice (one node, no worker)'] ?? []).map((s) => s.wallSeconds));
  for (const [config, runs] of Object.entries(byConfig)) {
    const wall = median(runs.map((s) => s.wallSeconds));
    const heaps = runs.some((s) => s.nodeHeapMiB.length > 0) ? runs.map((s) => s.nodeHeapMiB.map((m) => m.toFixed(0)).join('/')).join(', ') : '';
    const serial = median(runs.map((s) => s.serialSeconds));
    lines.push(`| ${name} | ${config} | ${wall.toFixed(2)} | ${runs.map((s) => s.wallSeconds.toFixed(2)).join(', ')} | ${median(runs.map((s) => s.cpuSeconds)).toFixed(2)} | ${Number.isNaN(serial) ? '–' : serial.toFixed(3)} | ${median(runs.map((s) => s.maxRssMiB)).toFixed(0)} | ${heaps || '–'} | ${(single / wall).toFixed(2)} | ${(one / wall).toFixed(2)} |`);
  }
  // However well it overlaps, a run takes at least its CPU time spread over every core: the bound on --nodes 2's speed-up here.
  const floor = median((byConfig['sluice --nodes 2'] ?? []).map((s) => s.cpuSeconds)) / cores;
  ceilings.push(
    `${name}: --nodes 2 used ${(floor * cores).toFixed(2)} s of CPU, so on ${cores} cores it takes at least ${floor.toFixed(2)} s: at most ${(one / floor).toFixed(2)}× --nodes 1's wall time here (a bound worth reading only when the load average stayed below ${cores})`,
  );
}
process.stdout.write(`${lines.join('\n')}\n${ceilings.join('\n')}\nload average (1, 5, 15 min) before: ${load[0]?.map((x) => x.toFixed(1)).join(', ')}; after: ${load[1]?.map((x) => x.toFixed(1)).join(', ')}\n`);
writeResults(resolve(values.out), { data: values.data, rounds: values.rounds, load, samples }, 1);
