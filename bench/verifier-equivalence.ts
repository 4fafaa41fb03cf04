// Do two builds of the verifier say exactly the same thing? Verdicts, messages, logs, effort and proofs over campaign programs, the conformance suite, the anchor and the example queries.
// Run from the repository root after `npm run build`: node dist/bench/verifier-equivalence.js --baseline <checkout with dist/> [--count 20000] [--seed 1]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import type { ProgramSpec } from '../src/asm/program.js';
import { defaultCatalog } from '../src/datasets/default-data.js';
import { generateVerifierProgram } from '../src/fuzz/verifier-generator.js';
import { HOOK_CONTEXT } from '../src/storage/hook-context.js';
import { conformanceDir, projectRoot } from '../src/util/paths.js';
import { memoryContext, verify, type VerifyOptions } from '../src/verifier/index.js';
import { parseConformance, programOf } from '../src/vm/conformance.js';
import { positiveInteger, wholeNumber } from '../src/util/option-values.js';
import { anchorProgram } from './lib/anchor-data.js';
import { exampleQueryPrograms } from './lib/example-programs.js';

const options = new Command('verifier-equivalence')
  .description('Verify the same programs with this build and a baseline build and report every difference in what they say')
  .requiredOption('--baseline <dir>', 'another checkout whose dist/ holds a built verifier')
  .option('--count <n>', 'campaign programs (seed, seed + 1, ...)', positiveInteger, 20000)
  .option('--seed <n>', 'first campaign seed', wholeNumber, 1)
  .parse()
  .opts<{ baseline: string; count: number; seed: number }>();

type Verify = typeof verify;
const dist = (path: string) => pathToFileURL(resolve(options.baseline, 'dist/src', path)).href;
const baseline = ((await import(dist('verifier/index.js'))) as { verify: Verify }).verify;

/** outcome is everything a verification says, as text: the refusal (insn, reason, registers, log) or the proof, its log and its effort. */
function outcome(run: Verify, spec: ProgramSpec, opts: VerifyOptions): string {
  try {
    const r = run(spec, opts);
    const { timeMs: _time, ...stats } = r.stats;
    const regions = [...r.provenRegions].map(([slot, list]) => `${slot}:${list.map((x) => JSON.stringify(x)).join('|')}`);
    return JSON.stringify({ stats, log: r.log, safe: [...r.safeAccesses], regions, walked: [...r.walked].join('') });
  } catch (e) {
    const err = e as Error & { insn?: number; registers?: string; log?: string };
    return JSON.stringify({ error: err.name, message: err.message, insn: err.insn, registers: err.registers, log: err.log });
  }
}

let compared = 0;
const differences: string[] = [];
/** compare verifies `spec` with both builds (at log level 0, and 2 for every tenth program) and records any difference. */
function compare(name: string, spec: ProgramSpec, context: VerifyOptions['context'], complexityLimit?: number): void {
  const levels: (0 | 2)[] = compared % 10 === 0 ? [0, 2] : [0];
  for (const logLevel of levels) {
    const opts: VerifyOptions = { context, complexityLimit, logLevel };
    const mine = outcome(verify, spec, opts);
    const theirs = outcome(baseline, spec, opts);
    if (mine !== theirs && differences.length < 20) differences.push(`${name} (log level ${logLevel}):\n  this:     ${mine.slice(0, 400)}\n  baseline: ${theirs.slice(0, 400)}`);
    else if (mine !== theirs) differences.push(name);
  }
  compared++;
}

const started = performance.now();
const first = options.seed;
// The campaign's own complexity limit (src/campaign/verifier-differential.ts), so endless mutated loops stay cheap.
for (let seed = first; seed < first + options.count; seed++) compare(`campaign seed ${seed}`, generateVerifierProgram(seed).spec, HOOK_CONTEXT, 200_000);

const conformance = `${conformanceDir()}/`;
if (existsSync(conformance)) {
  for (const file of readdirSync(conformance).filter((f) => f.endsWith('.data'))) {
    const test = parseConformance(readFileSync(conformance + file, 'utf8'), file);
    compare(`conformance ${file}`, programOf(test), memoryContext(test.memory.length));
  }
}
compare('anchor', anchorProgram(), HOOK_CONTEXT);
for (const { name, spec } of await exampleQueryPrograms(defaultCatalog(projectRoot()))) compare(`queries/${name}`, spec, HOOK_CONTEXT);

console.log(`${compared} programs verified by both builds in ${((performance.now() - started) / 1000).toFixed(0)} s; ${differences.length} differ`);
for (const d of differences.slice(0, 20)) console.log(d);
process.exitCode = differences.length === 0 ? 0 : 1;
