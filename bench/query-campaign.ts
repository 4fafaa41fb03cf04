// The query campaign at scale: random schemas, files and queries; pushdown vs ship-all vs the reference evaluator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import fc from 'fast-check';
import { checkCase, explain } from '../src/campaign/check.js';
import { caseArb, KNOWN_CLASSES, NO_CLASSES, type Classes } from '../src/campaign/generators.js';
import type { Tag } from '../src/campaign/reference.js';
import { positiveInteger, wholeNumber } from '../src/util/option-values.js';

const options = new Command('bench-query-campaign')
  .option('--count <n>', 'cases to generate and check', positiveInteger, 20000)
  .option('--seed <n>', 'first seed (case k uses seed + k; replay one case with --count 1 --seed S)', wholeNumber, 1)
  .option('--with <classes>', `known classes of wrong answers to generate too, comma-separated, or "all" (${KNOWN_CLASSES.join(', ')}, overlongStrings, textAfterQuote, mixedEndings)`, '')
  .option('--verify-every <n>', 'prove every n-th program safe first and run the engine with the proof (1: all)', positiveInteger, 16)
  .option('--shrink <n>', 'minimise and print the first n differences', wholeNumber, 3)
  .option('--show <n>', 'print the first n differences as found', wholeNumber, 10)
  .option('--show-notes <n>', 'print the first n cases with a note (refusals at different positions)', wholeNumber, 0)
  .parse()
  .opts<{ count: number; seed: number; with: string; verifyEvery: number; shrink: number; show: number; showNotes: number }>();

// Each case compiles a fresh wasm module: compile functions when first called (as bench/fuzz.ts does).
setFlagsFromString('--wasm-lazy-compilation');
const count = options.count;
const first = options.seed;
const verifyEvery = options.verifyEvery;
const wanted = options.with === 'all' ? [...Object.keys(NO_CLASSES)] : options.with.split(',').filter((name) => name !== '');
for (const name of wanted) if (!(name in NO_CLASSES)) throw new Error(`unknown class ${name}`);
const classes: Classes = { ...NO_CLASSES, ...Object.fromEntries(wanted.map((name) => [name, true])) };
// A difference in a case touching a class not asked for (one can slip in, e.g. a folded constant beyond 64 bits) counts as known.
const judged = new Set(wanted as Tag[]);
const arbitrary = caseArb(classes);
const dir = mkdtempSync(join(tmpdir(), 'sluice-campaign-'));

const tally = new Map<string, number>();
const count1 = (key: string): void => void tally.set(key, (tally.get(key) ?? 0) + 1);
const failedSeeds: number[] = [];
let verified = 0;
let notesShown = 0;
const started = performance.now();
try {
  for (let k = 0; k < count; k++) {
    const seed = first + k;
    const [c] = fc.sample(arbitrary, { seed, numRuns: 1 });
    if (c === undefined) continue;
    const verify = seed % verifyEvery === 0;
    if (verify) verified++;
    const verdict = checkCase(c, dir, { verify, judged });
    count1(`${verdict.status}: ${verdict.key}`);
    for (const note of verdict.notes) count1(`note: ${note.replace(/\d+/g, 'N')}`);
    if (verdict.notes.length > 0 && notesShown++ < options.showNotes) console.log(`--- seed ${seed} (note: ${verdict.notes.join('; ')}): ${explain(c, verdict)}\n`);
    if (verdict.status === 'difference') {
      failedSeeds.push(seed);
      if (failedSeeds.length <= options.show) console.log(`--- seed ${seed}: ${explain(c, verdict)}\n`);
    }
    if ((k + 1) % 1000 === 0) console.log(`${k + 1} cases, ${failedSeeds.length} differences, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  for (const seed of failedSeeds.slice(0, options.shrink)) {
    const options = { verify: seed % verifyEvery === 0, judged };
    const property = fc.property(arbitrary, (c) => checkCase(c, dir, options).status !== 'difference');
    const details = fc.check(property, { seed, numRuns: 1 });
    const shrunk = details.counterexample?.[0];
    if (shrunk !== undefined) console.log(`--- seed ${seed}, minimised (${details.numShrinks} shrinks): ${explain(shrunk, checkCase(shrunk, dir, options))}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const seconds = (performance.now() - started) / 1000;
const by = (prefix: string) => [...tally].filter(([key]) => key.startsWith(prefix)).sort((a, b) => b[1] - a[1]);
const sum = (prefix: string) => by(prefix).reduce((total, [, n]) => total + n, 0);
console.log(`\n${count} cases (seeds ${first}..${first + count - 1}; known classes generated: ${wanted.join(', ') || 'none'}), ${verified} verified first, ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} cases/s)`);
console.log(`agreements (same answer on every path): ${sum('agree')}`);
console.log(`refusals (every path refuses, as it must or within a documented limit): ${sum('refuse')}`);
for (const [key, n] of by('refuse')) console.log(`  ${n}\t${key.slice('refuse: '.length)}`);
console.log(`known differences (in cases touching a known class left out of this run): ${sum('known')}`);
for (const [key, n] of by('known')) console.log(`  ${n}\t${key.slice('known: '.length)}`);
console.log(`unspecified inputs (outside the rules, not judged): ${sum('unspecified')}`);
for (const [key, n] of by('unspecified')) console.log(`  ${n}\t${key.slice('unspecified: '.length)}`);
console.log(`notes (not wrong answers): ${sum('note')}`);
for (const [key, n] of by('note')) console.log(`  ${n}\t${key.slice('note: '.length)}`);
console.log(`differences: ${sum('difference')}`);
for (const [key, n] of by('difference')) console.log(`  ${n}\t${key.slice('difference: '.length)}`);
if (failedSeeds.length > 0) console.log(`failing seeds (replay with --count 1 --seed S): ${failedSeeds.slice(0, 50).join(' ')}${failedSeeds.length > 50 ? ' ...' : ''}`);
process.exitCode = failedSeeds.length === 0 ? 0 : 1;
