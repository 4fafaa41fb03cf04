// Differential campaign of Sluice's verifier against Linux's: mutated programs, both verdicts, audited runs; prints the counts.
// Run from the repository root after `npm run build`: node dist/bench/verifier-campaign.js --count 100000 --seed 1 [--findings DIR]
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import { kernelAvailability } from '../src/kernel/bpf.js';
import { runCampaign, type Tally } from '../src/campaign/verifier-campaign.js';
import { positiveInteger, wholeNumber } from '../src/util/option-values.js';
import { fileFindings } from './lib/verifier-findings.js';

const options = new Command('verifier-campaign')
  .description('Generate mutated eBPF programs, compare Sluice and Linux verdicts, run accepted ones audited on both engines')
  .option('--count <n>', 'programs to try', positiveInteger, 100000)
  .option('--seed <n>', 'first seed (program k uses seed + k)', wholeNumber, 1)
  .option('--chunks <n>', 'random chunks each accepted program runs on', positiveInteger, 3)
  .option('--findings <dir>', 'minimize each new kind of failure and write it to this folder')
  .parse()
  .opts<{ count: number; seed: number; chunks: number; findings?: string }>();

// Each accepted program is a fresh wasm module: compile functions on first call, not eagerly.
setFlagsFromString('--wasm-lazy-compilation');
const count = options.count;
const first = options.seed;
const kernel = kernelAvailability();
if (!kernel.ok) console.log(`Linux verdicts skipped: ${kernel.reason}`);
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(0);
const tally = runCampaign({
  first,
  count,
  kernel: kernel.ok,
  chunks: options.chunks,
  every: 10_000,
  progress: (t) => console.log(`${t.tried} programs, ${t.verdicts['sluice-only']} Sluice-only, ${t.auditViolations} audit violations, ${t.engineDisagreements} disagreements, ${seconds()} s`),
});
const elapsed = (performance.now() - started) / 1000;
report(tally);
console.log(`seeds ${first}..${first + count - 1}; ${elapsed.toFixed(1)} s (${(count / elapsed).toFixed(0)} programs/s)`);
console.log(`replay one program: node dist/bench/verifier-campaign.js --count 1 --seed <seed>`);
if (options.findings) for (const line of fileFindings(tally, options.findings, kernel.ok)) console.log(line);
const failed = tally.verdicts['sluice-only'] + tally.auditViolations + tally.engineDisagreements + tally.crashes;
process.exitCode = failed === 0 ? 0 : 1;

function report(t: Tally): void {
  const rows: [string, number | string][] = [
    ['programs tried', t.tried],
    ['Sluice accepts', t.sluiceAccepts],
    ['Linux accepts', kernel.ok ? t.linuxAccepts : 'n/a'],
    ['both accept', kernel.ok ? t.verdicts.both : 'n/a'],
    ['both refuse', kernel.ok ? t.verdicts.neither : 'n/a'],
    ['Sluice-only (failures)', kernel.ok ? t.verdicts['sluice-only'] : 'n/a'],
    ['Sluice-only, hook fields past xdp_md', kernel.ok ? t.verdicts.hook : 'n/a'],
    ["Sluice-only, Linux's own 'verifier bug'", kernel.ok ? t.verdicts['linux-bug'] : 'n/a'],
    ['Linux-only', kernel.ok ? t.verdicts['linux-only'] : 'n/a'],
    ['Sluice verifier crashes', t.crashes],
    ['audit violations', t.auditViolations],
    ['engine disagreements', t.engineDisagreements],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(40)} ${String(value).padStart(8)}`);
  const show = (title: string, groups: Map<string, { count: number; examples: { seed: number; recipe: string; detail: string }[] }>, top: number) => {
    if (groups.size === 0) return;
    console.log(`\n${title}:`);
    for (const [key, g] of [...groups].sort((a, b) => b[1].count - a[1].count).slice(0, top)) {
      const ex = g.examples[0]!;
      console.log(`${String(g.count).padStart(8)}  ${key}\n          e.g. seed ${ex.seed} (${ex.recipe}): ${ex.detail}`);
    }
  };
  show('Sluice-only, by Linux refusal', t.sluiceOnly, 50);
  show('Audit violations', t.violations, 50);
  show('Linux-only, by Sluice refusal (top 12)', t.linuxOnly, 12);
  for (const [title, list] of [['Engine disagreements', t.disagreements], ['Verifier crashes', t.crashExamples], ['Hook-field examples', t.hook], ["Linux 'verifier bug' examples", t.linuxBugs]] as const) {
    if (list.length === 0) continue;
    console.log(`\n${title}:`);
    for (const ex of list) console.log(`  seed ${ex.seed} (${ex.recipe}): ${ex.detail}`);
  }
}
