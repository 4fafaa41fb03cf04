// Verifier speed against Linux: Sluice's verify time (cold and warm CPU medians) beside the kernel's own "verification time", per program, optionally A/B against another build.
// Run from the repository root after `npm run build`: node dist/bench/verify-speed.js [--runs 9] [--kernel-runs 5] [--baseline <checkout with dist/>] [--only q6]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import type { ProgramSpec } from '../src/asm/program.js';
import { defaultCatalog } from '../src/datasets/default-data.js';
import { kernelAvailability, loadKernelProgram } from '../src/kernel/bpf.js';
import { HOOK_CONTEXT } from '../src/storage/hook-context.js';
import { projectRoot } from '../src/util/paths.js';
import { verify, type VerifierStats, type VerifyOptions } from '../src/verifier/index.js';
import { positiveInteger } from '../src/util/option-values.js';
import { anchorProgram } from './lib/anchor-data.js';
import { exampleQueryPrograms } from './lib/example-programs.js';
import { markdownTable, median } from './lib/timing.js';

const options = new Command('verify-speed')
  .description("Time Sluice's verifier and Linux's on the anchor and every example query's program")
  .option('--runs <n>', 'timed verifications per program and build, after two warm-ups; medians are reported', positiveInteger, 9)
  .option('--kernel-runs <n>', 'loads into Linux per program; the median of its own verification time is reported', positiveInteger, 5)
  .option('--baseline <dir>', 'another checkout whose dist/ holds a built verifier, timed interleaved with this one')
  .option('--only <text>', 'only programs whose name contains this text')
  .parse()
  .opts<{ runs: number; kernelRuns: number; baseline?: string; only?: string }>();

type Verify = (spec: ProgramSpec, options: VerifyOptions) => { stats: VerifierStats };
/** Build is one verifier under test: this checkout's, or the baseline's (loaded from its dist/). */
interface Build {
  readonly name: string;
  readonly verify: Verify;
  readonly context: VerifyOptions['context'];
}

const builds: Build[] = [{ name: 'this', verify, context: HOOK_CONTEXT }];
if (options.baseline) {
  const dist = (path: string) => pathToFileURL(resolve(options.baseline!, 'dist/src', path)).href;
  const baseline = (await import(dist('verifier/index.js'))) as { verify: Verify };
  const hook = (await import(dist('storage/hook-context.js'))) as { HOOK_CONTEXT: VerifyOptions['context'] };
  builds.push({ name: 'baseline', verify: baseline.verify, context: hook.HOOK_CONTEXT });
}

/** cpuMs runs `work` and returns the CPU milliseconds this process spent on it (robust on a shared machine). */
function cpuMs(work: () => void): number {
  const started = process.cpuUsage();
  work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** Timing is one build's result on one program: its first (cold) run, warm median and effort. */
interface Timing {
  coldMs: number;
  warmMs: number;
  stats: VerifierStats | undefined;
  refusal: string | undefined;
}

/** timeBuilds verifies `spec` with every build, alternating builds run by run, and returns each build's timing. */
function timeBuilds(spec: ProgramSpec, runs: number): Timing[] {
  const samples = builds.map(() => [] as number[]);
  const results = builds.map((): Timing => ({ coldMs: 0, warmMs: 0, stats: undefined, refusal: undefined }));
  for (let run = 0; run < runs + 3; run++) {
    // Alternate which build goes first, so neither always runs right after the other's garbage.
    const order = run % 2 === 0 ? builds.map((_, i) => i) : builds.map((_, i) => builds.length - 1 - i);
    for (const i of order) {
      const build = builds[i]!;
      const ms = cpuMs(() => {
        try {
          results[i]!.stats = build.verify(spec, { context: build.context }).stats;
        } catch (e) {
          results[i]!.refusal = (e as Error).message.split('\n')[0];
        }
      });
      if (run === 0) results[i]!.coldMs = ms;
      else if (run >= 3) samples[i]!.push(ms);
    }
  }
  results.forEach((r, i) => (r.warmMs = median(samples[i]!)));
  return results;
}

/** linux loads `spec` into the kernel `runs` times and returns the median of its verification time (ms) and its processed count. */
function linux(spec: ProgramSpec, runs: number): { ms: number; processed: number } | string {
  const available = kernelAvailability();
  if (!available.ok) return available.reason;
  const times: number[] = [];
  let processed = 0;
  for (let run = 0; run < runs; run++) {
    try {
      const program = loadKernelProgram(spec, { type: 'xdp', locate: false });
      program.close();
      times.push((program.verificationMicros ?? NaN) / 1000);
      processed = program.processedInsns ?? 0;
    } catch (e) {
      return `refused: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return { ms: median(times), processed };
}

const programs: { name: string; spec: ProgramSpec }[] = [{ name: 'anchor csv_scan', spec: anchorProgram() }, ...(await exampleQueryPrograms(defaultCatalog(projectRoot())))];

const rows: (string | number)[][] = [];
const mismatches: string[] = [];
for (const { name, spec } of programs) {
  if (options.only && !name.includes(options.only)) continue;
  const timings = timeBuilds(spec, options.runs);
  const kernel = linux(spec, options.kernelRuns);
  const [mine, base] = timings as [Timing, Timing | undefined];
  if (base && (base.refusal !== mine.refusal || base.stats?.processedInsns !== mine.stats?.processedInsns || base.stats?.states !== mine.stats?.states)) {
    mismatches.push(`${name}: this build ${mine.refusal ?? `${mine.stats!.processedInsns} insns, ${mine.stats!.states} states`}; baseline ${base.refusal ?? `${base.stats!.processedInsns} insns, ${base.stats!.states} states`}`);
  }
  const linuxMs = typeof kernel === 'string' ? NaN : kernel.ms;
  const ratio = (ms: number) => (Number.isNaN(linuxMs) ? '' : (linuxMs / ms).toFixed(2));
  rows.push([
    name,
    mine.refusal ? `refused: ${mine.refusal}` : mine.stats!.processedInsns,
    mine.stats?.states ?? '',
    typeof kernel === 'string' ? kernel : kernel.processed,
    typeof kernel === 'string' ? '' : kernel.ms.toFixed(1),
    mine.coldMs.toFixed(1),
    mine.warmMs.toFixed(1),
    ratio(mine.warmMs),
    ...(base ? [base.coldMs.toFixed(1), base.warmMs.toFixed(1), ratio(base.warmMs)] : []),
  ]);
}

console.log(`verifier speed: Sluice CPU ms (first run, then the median of ${options.runs} after two warm-ups) against Linux's own "verification time" (median of ${options.kernelRuns} loads)`);
console.log('x Linux = Linux ms / Sluice ms (above 1: Sluice is faster); the target is 2 or more');
const header = ['program', 'Sluice processed', 'states', 'Linux processed', 'Linux ms', 'cold ms', 'warm ms', 'x Linux'];
if (builds.length > 1) header.push('baseline cold ms', 'baseline warm ms', 'baseline x Linux');
console.log(markdownTable(header, rows));
if (mismatches.length) {
  console.log(`\nThe builds disagree on ${mismatches.length} program(s):\n${mismatches.join('\n')}`);
  process.exitCode = 1;
}
