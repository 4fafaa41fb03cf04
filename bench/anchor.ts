// Anchor bench: every engine runs csv_scan over every chunk of the anchor CSV, timed beside a hand-written JavaScript loop.
// Run from the repository root after `npm run build`: node dist/bench/anchor.js [--mib 8] [--passes 3]
import { Command } from 'commander';
import { verify } from '../src/verifier/index.js';
import { ENGINES } from '../src/vm/engines.js';
import { Runtime } from '../src/vm/runtime.js';
import { positiveInteger } from '../src/util/option-values.js';
import { ANCHOR_EXPECTED, anchorChunks, anchorProgram, chunkCount, runChunks } from './lib/anchor-data.js';
import { jsScan } from './lib/js-scan.js';
import { writeResults } from './lib/results-file.js';
import { markdownTable, median, type PassTime, timePass } from './lib/timing.js';
import { HOOK_CONTEXT } from '../src/storage/hook-context.js';
import { kernelAvailability } from '../src/kernel/bpf.js';
import { kernelEngine } from '../src/storage/kernel-engine.js';

const options = new Command('anchor')
  .description('Time every engine on the anchor program (csv.bpf.o) against a hand-written JavaScript loop')
  .option('--mib <n>', 'MiB of CSV to scan (the anchor README and its expected totals use 64)', positiveInteger, 64)
  .option('--passes <n>', 'timed passes per engine; the median is reported', positiveInteger, 3)
  .option('--data <dir>', 'directory of the generated CSV (git-ignored)', 'bench/data')
  .option('--out <file>', 'where to write the JSON results', 'bench/results/anchor.json')
  .parse()
  .opts<{ mib: number; passes: number; data: string; out: string }>();

const mib = options.mib;
const passes = options.passes;
const program = anchorProgram();
const chunks = anchorChunks(options.data, mib);
const bytes = chunks.data.length;

// The JavaScript loop is the reference result; at 64 MiB it must also equal the README's totals.
const reference = jsScan(chunks);
if (mib === ANCHOR_EXPECTED.mib) {
  const expected = ANCHOR_EXPECTED;
  const got = { chunks: chunkCount(chunks), bytes, rows: reference.rows, sum: reference.sum, foldSum: reference.foldSum };
  for (const key of Object.keys(got) as (keyof typeof got)[]) {
    if (got[key] !== expected[key]) throw new Error(`anchor data: ${key} is ${got[key]}, the README expects ${expected[key]}`);
  }
}

interface Contender {
  readonly name: string;
  readonly pass: () => bigint;
  readonly times: PassTime[];
}

let instructionsPerPass = 0;
// Engines get what the verifier proved, as the storage node gives them when it attaches a program.
const facts = verify(program, { context: HOOK_CONTEXT });
const contenders: Contender[] = [{ name: 'JavaScript loop (hand-written)', pass: () => jsScan(chunks).foldSum, times: [] }];
// The Linux kernel runs as the storage node runs it (--engine kernel): one BPF_PROG_TEST_RUN per chunk.
const kernel = kernelAvailability();
if (!kernel.ok) console.log(`the kernel engine is left out: ${kernel.reason}`);
for (const engine of kernel.ok ? [...ENGINES, kernelEngine] : ENGINES) {
  const runtime = new Runtime(program.maps);
  const executable = engine.load(program, runtime, facts);
  contenders.push({
    name: engine === kernelEngine ? 'Linux kernel (--engine kernel: a test run per chunk)' : `Sluice ${engine.name}`,
    pass: () => {
      const totals = runChunks(executable, runtime, chunks);
      if (engine.name === 'interpreter') instructionsPerPass = totals.instructions;
      return totals.foldSum;
    },
    times: [],
  });
}

// One untimed pass each checks the result (and warms the JIT tiers); then passes interleave so noise hits all alike.
for (const contender of contenders) {
  const foldSum = contender.pass();
  if (foldSum !== reference.foldSum) {
    throw new Error(`${contender.name}: sum of return values ${foldSum}, expected ${reference.foldSum}`);
  }
}
for (let pass = 0; pass < passes; pass++) {
  for (const contender of contenders) contender.times.push(timePass(contender.pass));
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const jsTimes = contenders[0]!.times;
const jsWall = median(jsTimes.map((t) => t.wallMs));
const jsCpu = median(jsTimes.map((t) => t.cpuMs));
const results = contenders.map((c) => {
  const wallMs = median(c.times.map((t) => t.wallMs));
  const cpuMs = median(c.times.map((t) => t.cpuMs));
  const ebpf = c !== contenders[0];
  return {
    name: c.name,
    wallMs: round(wallMs),
    cpuMs: round(cpuMs),
    mbPerS: round(bytes / 1e3 / wallMs),
    mbPerCpuS: round(bytes / 1e3 / cpuMs),
    // eBPF instructions per second: the interpreter's exact count for one pass, over this contender's time.
    mInsnsPerS: ebpf ? round(instructionsPerPass / 1e3 / wallMs) : undefined,
    mInsnsPerCpuS: ebpf ? round(instructionsPerPass / 1e3 / cpuMs) : undefined,
    vsJavaScript: round(jsWall / wallMs, 3),
    vsJavaScriptCpu: round(jsCpu / cpuMs, 3),
  };
});

console.log(
  `anchor: csv_scan (${program.insns.length} instructions), ${bytes} bytes in ${chunkCount(chunks)} chunks, ` +
    `${instructionsPerPass} eBPF instructions per pass (${(instructionsPerPass / bytes).toFixed(1)} per byte), median of ${passes} passes\n`,
);
console.log(
  markdownTable(
    ['contender', 'MB/s', 'M eBPF insns/s', 'x JS loop', 'MB/CPU-s', 'M insns/CPU-s', 'x JS loop (CPU)'],
    results.map((r) => [
      r.name,
      r.mbPerS,
      r.mInsnsPerS ?? '-',
      r.vsJavaScript.toFixed(2),
      r.mbPerCpuS,
      r.mInsnsPerCpuS ?? '-',
      r.vsJavaScriptCpu.toFixed(2),
    ]),
  ),
);
console.log(`\nsum of return values ${reference.foldSum} (all contenders agree); MB/s and M insns/s are per wall-clock second,`);
console.log('the CPU columns per second of this process\'s CPU time (the machine is shared: compare ratios from one run)');

writeResults(options.out, {
  command: `node dist/bench/anchor.js ${process.argv.slice(2).join(' ')}`.trim(),
  date: new Date().toISOString(),
  node: process.version,
  mib,
  bytes,
  chunks: chunkCount(chunks),
  passes,
  instructionsPerPass,
  foldSum: String(reference.foldSum),
  results,
});
