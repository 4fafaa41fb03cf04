// Verifier bench: time and effort to verify the anchor, every queries/*.sql program and the conformance suite, medians of several runs.
// Run from the repository root after `npm run build`: node dist/bench/verifier.js [--runs 7] [--kernel]
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { width } from '../src/asm/instruction.js';
import type { ProgramSpec } from '../src/asm/program.js';
import { kernelAvailability, loadKernelProgram } from '../src/kernel/bpf.js';
import { directoryCatalog } from '../src/datasets/catalog.js';
import { generateTpch } from '../src/datasets/tpch/generate.js';
import { parseConformance, programOf } from '../src/vm/conformance.js';
import { VerifierError, memoryContext, verify, type VerifierStats } from '../src/verifier/index.js';
import { positiveInteger } from '../src/util/option-values.js';
import { anchorProgram } from './lib/anchor-data.js';
import { exampleQueryPrograms } from './lib/example-programs.js';
import { markdownTable, median } from './lib/timing.js';
import { HOOK_CONTEXT } from '../src/storage/hook-context.js';
import { conformanceDir } from '../src/util/paths.js';

const options = new Command('verifier')
  .description('Time the verifier on the anchor program, every queries/*.sql program and the conformance suite')
  .option('--runs <n>', 'verifications per program; medians are reported', positiveInteger, 7)
  .option('--kernel', "also load each program into Linux and report its verifier's processed insns")
  .option('--only <text>', 'only programs whose name contains this text')
  .parse()
  .opts<{ runs: number; kernel?: boolean; only?: string }>();

const runs = options.runs;

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

/** kernelProcessed loads `spec` into Linux as XDP and returns its verifier's processed count (or why not). */
function kernelProcessed(spec: ProgramSpec): string {
  if (!options.kernel) return '';
  const availability = kernelAvailability();
  if (!availability.ok) return 'n/a';
  try {
    const program = loadKernelProgram(spec, { type: 'xdp' });
    program.close();
    return String(program.processedInsns ?? '?');
  } catch (e) {
    return `refused (${(e as Error).message.split('\n')[0]})`;
  }
}

/** queryPrograms compiles every queries/*.sql against TPC-H SF 0.001 (generated into a temporary directory) and datasets/. */
async function queryPrograms(): Promise<{ name: string; spec: ProgramSpec }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-vbench-'));
  try {
    generateTpch({ scaleFactor: 0.001, outDir: dir });
    for (const file of readdirSync('datasets')) {
      if (file.endsWith('.csv') || file.endsWith('.schema')) symlinkSync(resolve('datasets', file), join(dir, file));
    }
    return (await exampleQueryPrograms(directoryCatalog(dir))).map(({ name, spec }) => ({ name: `queries/${name}`, spec }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const programs: { name: string; spec: ProgramSpec }[] = [{ name: 'anchor csv.bpf.o', spec: anchorProgram() }, ...(await queryPrograms())];
const rows: (string | number)[][] = [];
for (const { name, spec } of programs) {
  if (options.only && !name.includes(options.only)) continue;
  const run = timed(() => verify(spec, { context: HOOK_CONTEXT }).stats);
  const slots = spec.insns.reduce((n, insn) => n + width(insn), 0);
  rows.push([name, slots, run.stats.processedInsns, kernelProcessed(spec), run.stats.states, run.stats.peakStates, run.wallMs.toFixed(1), run.cpuMs.toFixed(1)]);
}

const conformance = `${conformanceDir()}/`;
if (existsSync(conformance) && !options.only) {
  const suite = readdirSync(conformance)
    .filter((f) => f.endsWith('.data'))
    .map((f) => parseConformance(readFileSync(conformance + f, 'utf8'), f));
  const all = suite.map((t) => ({ program: programOf(t), context: memoryContext(t.memory.length) }));
  // A dozen programs use what Linux refuses outright (callx, constant shifts out of range): timed are the rest.
  const tests = all.filter(({ program, context }) => {
    try {
      verify(program, { context });
      return true;
    } catch (e) {
      if (e instanceof VerifierError) return false;
      throw e;
    }
  });
  const suiteRun = timed(() => {
    let processedInsns = 0;
    let states = 0;
    let peakStates = 0;
    for (const { program, context } of tests) {
      const s = verify(program, { context }).stats;
      processedInsns += s.processedInsns;
      states += s.states;
      peakStates = Math.max(peakStates, s.peakStates);
    }
    return { processedInsns, states, peakStates, maxStackDepth: 0, timeMs: 0 };
  });
  rows.push([
    `bpf_conformance (${tests.length} of ${suite.length} programs)`,
    '',
    suiteRun.stats.processedInsns,
    '',
    suiteRun.stats.states,
    suiteRun.stats.peakStates,
    suiteRun.wallMs.toFixed(1),
    suiteRun.cpuMs.toFixed(1),
  ]);
}

console.log(`verifier, median of ${runs} runs (Sluice's target is < 100 ms per program; --kernel adds Linux's processed count)`);
console.log(markdownTable(['program', 'slots', 'processed insns', 'Linux processed', 'states kept', 'peak states', 'wall ms', 'cpu ms'], rows));
