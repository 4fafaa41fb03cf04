// Whole-process wall clock of cluster queries: `sluice query --nodes 1` vs `--nodes 2` vs DuckDB over the same CSV, interleaved, with peak memory per node.
// usage: node dist/bench/cluster.js [--data /tmp/sf1] [--queries tpch-q6,tpch-q1] [--rounds 3] [--threads 2] [--out bench/results/cluster.json]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/util/paths.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/tmp/sf1' },
    queries: { type: 'string', default: 'tpch-q6,tpch-q1' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    out: { type: 'string', default: 'bench/results/cluster.json' },
  },
});
const root = projectRoot();
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const duck = join(root, 'dist', 'bench', 'duckdb-query.js');

interface Sample {
  readonly wallSeconds: number;
  readonly maxRssMiB: number;
  readonly nodeHeapMiB: number[];
  readonly answer: string;
}

/** timed runs a command under /usr/bin/time and returns its wall clock, peak RSS and stdout. */
function timed(args: string[]): { wallSeconds: number; maxRssMiB: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss_kib=%M', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  const rss = /maxrss_kib=(\d+)/.exec(run.stderr);
  return { wallSeconds, maxRssMiB: Number(rss?.[1] ?? 0) / 1024, stdout: run.stdout };
}

const configs: Record<string, (query: string) => Sample> = {
  'sluice --nodes 1': (query) => sluice(query, 1),
  'sluice --nodes 2': (query) => sluice(query, 2),
  [`duckdb ${values.threads} threads`]: (query) => {
    const run = timed([duck, query, values.data, values.threads]);
    return { wallSeconds: run.wallSeconds, maxRssMiB: run.maxRssMiB, nodeHeapMiB: [], answer: (JSON.parse(run.stdout) as { first: string }).first };
  },
};

function sluice(query: string, nodes: number): Sample {
  const run = timed([cli, 'query', query, '--data', values.data, '--nodes', String(nodes), '--json']);
  const out = JSON.parse(run.stdout) as { result: { rows: unknown[][] }; report: { nodes: { peakHeapBytes?: number }[] } };
  return {
    wallSeconds: run.wallSeconds,
    maxRssMiB: run.maxRssMiB,
    nodeHeapMiB: out.report.nodes.map((node) => (node.peakHeapBytes ?? 0) / 2 ** 20),
    answer: String(out.result.rows[0]?.[0]),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const load = [loadavg()];
const samples: Record<string, Record<string, Sample[]>> = {};
for (let round = 0; round < Number(values.rounds); round++) {
  for (const name of values.queries.split(',')) {
    const query = join('queries', `${name}.sql`);
    for (const [config, run] of Object.entries(configs)) {
      const sample = run(query);
      ((samples[name] ??= {})[config] ??= []).push(sample);
      process.stderr.write(`round ${round + 1} ${name} ${config}: ${sample.wallSeconds.toFixed(2)} s, answer ${sample.answer}\n`);
    }
  }
}
load.push(loadavg());

const lines = ['| query | configuration | wall s (median) | runs | max RSS MiB | peak heap per node MiB | × vs --nodes 1 |', '|---|---|---:|---|---:|---|---:|'];
for (const [name, byConfig] of Object.entries(samples)) {
  const one = median((byConfig['sluice --nodes 1'] ?? []).map((s) => s.wallSeconds));
  for (const [config, runs] of Object.entries(byConfig)) {
    const wall = median(runs.map((s) => s.wallSeconds));
    const heaps = runs.some((s) => s.nodeHeapMiB.length > 0) ? runs.map((s) => s.nodeHeapMiB.map((m) => m.toFixed(0)).join('/')).join(', ') : '';
    lines.push(`| ${name} | ${config} | ${wall.toFixed(2)} | ${runs.map((s) => s.wallSeconds.toFixed(2)).join(', ')} | ${median(runs.map((s) => s.maxRssMiB)).toFixed(0)} | ${heaps || '–'} | ${(one / wall).toFixed(2)} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\nload average (1, 5, 15 min) before: ${load[0]?.map((x) => x.toFixed(1)).join(', ')}; after: ${load[1]?.map((x) => x.toFixed(1)).join(', ')}\n`);
writeFileSync(resolve(values.out), `${JSON.stringify({ data: values.data, rounds: Number(values.rounds), load, samples }, null, 1)}\n`);
