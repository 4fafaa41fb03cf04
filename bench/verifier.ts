// Verifier bench: time and effort to verify the anchor program (and the whole conformance suite), medians of several runs.
// Run from the repository root after `npm run build`: node dist/bench/verifier.js [--runs 7]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { Command } from 'commander';
import { parseConformance, programOf } from '../src/vm/conformance.js';
import { HOOK_CONTEXT, memoryContext, verify, type VerifierStats } from '../src/verifier/index.js';
import { ANCHORS, anchorProgram } from './lib/anchor-data.js';
import { markdownTable, median } from './lib/timing.js';

const options = new Command('verifier')
  .description('Time the verifier on the anchor program (Linux: 348,725 processed insns) and on the conformance suite')
  .option('--runs <n>', 'verifications per program; medians are reported', '7')
  .parse()
  .opts<{ runs: string }>();

const runs = Number(options.runs);

/** timed verifies `verifyOnce` `runs` times and returns the last stats with wall and CPU medians. */
function timed(verifyOnce: () => VerifierStats): { stats: VerifierStats; wallMs: number; cpuMs: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  let stats: VerifierStats | undefined;
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    stats = verifyOnce();
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return { stats: stats!, wallMs: median(walls), cpuMs: median(cpus) };
}

const anchor = anchorProgram();
const anchorRun = timed(() => verify(anchor, { context: HOOK_CONTEXT }).stats);

const conformanceDir = `${ANCHORS}/../conformance/`;
const rows: (string | number)[][] = [
  [
    'anchor csv.bpf.o (HOOK_CONTEXT)',
    anchorRun.stats.processedInsns,
    anchorRun.stats.states,
    anchorRun.stats.peakStates,
    anchorRun.wallMs.toFixed(1),
    anchorRun.cpuMs.toFixed(1),
  ],
];
if (existsSync(conformanceDir)) {
  const suite = readdirSync(conformanceDir)
    .filter((f) => f.endsWith('.data'))
    .map((f) => parseConformance(readFileSync(conformanceDir + f, 'utf8'), f));
  const programs = suite.map((t) => ({ program: programOf(t), context: memoryContext(t.memory.length) }));
  const suiteRun = timed(() => {
    let processedInsns = 0;
    let states = 0;
    let peakStates = 0;
    for (const { program, context } of programs) {
      const s = verify(program, { context }).stats;
      processedInsns += s.processedInsns;
      states += s.states;
      peakStates = Math.max(peakStates, s.peakStates);
    }
    return { processedInsns, states, peakStates, maxStackDepth: 0, timeMs: 0 };
  });
  rows.push([
    `bpf_conformance (${programs.length} programs)`,
    suiteRun.stats.processedInsns,
    suiteRun.stats.states,
    suiteRun.stats.peakStates,
    suiteRun.wallMs.toFixed(1),
    suiteRun.cpuMs.toFixed(1),
  ]);
}

console.log(`verifier, median of ${runs} runs (Linux needs 348,725 processed insns for the anchor; Sluice's target is < 100 ms)`);
console.log(markdownTable(['program', 'processed insns', 'states kept', 'peak states', 'wall ms', 'cpu ms'], rows));
