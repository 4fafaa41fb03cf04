// Whole-process fixed costs: a small query against DuckDB, and `sluice run` of the anchor against the hand-written JavaScript loop.
// `node dist/bench/fixed-costs.js --data /tmp/sf001 --anchor-data bench/data/anchor.csv [--rounds 7] [--base OTHER/dist/bin/sluice.cjs]`
// Every command runs as its own process under /usr/bin/time, interleaved round by round; medians of wall and of CPU (user + system)
// time are reported, CPU being the steadier figure on a shared machine. Sluice runs twice per round: with its program store
// warm (emitted program, verdict, JIT code and V8 code cache from the previous run, in a scratch XDG_CACHE_HOME) and with
// --no-cache; the other build (--base) runs with a store of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { positiveInteger } from '../src/util/option-values.js';
import { projectRoot } from '../src/util/paths.js';
import { ANCHOR_CHUNK, ANCHORS } from './lib/anchor-data.js';
import { timeNodeProcess } from './lib/process-time.js';
import { writeResults } from './lib/results-file.js';
import { markdownTable, median } from './lib/timing.js';

const options = new Command('fixed-costs')
  .requiredOption('--data <dir>', 'TPC-H tables for the query (SF 0.01: `sluice gen tpch --sf 0.01 --out DIR`)')
  .requiredOption('--anchor-data <csv>', 'the anchor CSV (`node ../shared/anchors/gen.mjs 64 3520 bench/data/anchor`)')
  .option('--query <file.sql>', 'the small query', 'queries/tpch-q6.sql')
  .option('--rounds <n>', 'interleaved rounds; medians are reported', positiveInteger, 7)
  .option('--base <sluice.cjs>', 'another build\'s dist/bin/sluice.cjs (sluice.js before the launcher became CommonJS), run beside this one (A/B)')
  .option('--out <file>', 'where to write the JSON results', 'bench/results/fixed-costs.json')
  .parse()
  .opts<{ data: string; anchorData: string; query: string; rounds: number; base?: string; out: string }>();

const root = projectRoot();
const cacheHome = mkdtempSync(join(tmpdir(), 'sluice-fixed-costs-'));
process.on('exit', () => rmSync(cacheHome, { recursive: true, force: true }));
const anchor = join(ANCHORS, 'csv.bpf.o');

interface Contender {
  readonly name: string;
  readonly args: string[];
  /** The other build keeps its own store: a store opened by another build removes this build's records. */
  readonly cacheHome: string;
  readonly wall: number[];
  readonly cpu: number[];
}

function contender(name: string, ...args: string[]): Contender {
  return { name, args, cacheHome, wall: [], cpu: [] };
}

function baseContender(name: string, ...args: string[]): Contender {
  return { ...contender(name, ...args), cacheHome: join(cacheHome, 'base') };
}

const cli = join(root, 'dist', 'bin', 'sluice.cjs');
const query = ['query', options.query, '--data', options.data];
const run = ['run', anchor, '--file', options.anchorData, '--chunk', String(ANCHOR_CHUNK)];
// The other build is run as it comes (it may have no store and no --no-cache).
const groups: Contender[][] = [
  [
    contender('DuckDB, 1 thread', join(root, 'dist', 'bench', 'duckdb-peer.js'), '--query', options.query, '--data', options.data, '--threads', '1'),
    contender('sluice query (store warm)', cli, ...query),
    contender('sluice query --no-cache', cli, ...query, '--no-cache'),
    ...(options.base ? [baseContender('base query (store warm)', options.base, ...query)] : []),
  ],
  [
    contender('JavaScript loop', join(root, 'dist', 'bench', 'js-scan-peer.js'), '--file', options.anchorData, '--chunk', String(ANCHOR_CHUNK)),
    contender('sluice run (store warm)', cli, ...run),
    contender('sluice run --no-cache', cli, ...run, '--no-cache'),
    ...(options.base ? [baseContender('base run (store warm)', options.base, ...run)] : []),
  ],
];

/** timed runs the contender's command as a whole process and returns its wall and CPU seconds. */
function timed(c: Contender): { wall: number; cpu: number } {
  const run = timeNodeProcess(c.args, { cwd: root, env: { ...process.env, XDG_CACHE_HOME: c.cacheHome } });
  return { wall: run.wallSeconds, cpu: run.cpuSeconds };
}

// One untimed run each fills the stores (and the operating system's page cache).
for (const group of groups) for (const c of group) timed(c);
for (let round = 0; round < options.rounds; round++) {
  for (const group of groups) {
    for (const c of group) {
      const { wall, cpu } = timed(c);
      c.wall.push(wall);
      c.cpu.push(cpu);
    }
  }
}

const results = groups.map((group) => {
  const peer = group[0]!;
  return group.map((c) => ({
    name: c.name,
    medianWallSeconds: median(c.wall),
    medianCpuSeconds: median(c.cpu),
    peerOverThisCpu: median(peer.cpu) / median(c.cpu),
    peerOverThisWall: median(peer.wall) / median(c.wall),
    wall: c.wall,
    cpu: c.cpu,
  }));
});
for (const group of results) {
  console.log(
    markdownTable(
      ['command', 'median wall s', 'median CPU s', 'peer ÷ this (CPU)', 'peer ÷ this (wall)'],
      group.map((r) => [r.name, r.medianWallSeconds.toFixed(3), r.medianCpuSeconds.toFixed(3), r.peerOverThisCpu.toFixed(2), r.peerOverThisWall.toFixed(2)]),
    ),
  );
}
writeResults(options.out, { date: new Date().toISOString(), rounds: options.rounds, query: options.query, results });
