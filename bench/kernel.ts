// Kernel benchmark on the anchor program: the Linux JIT's MB/s through BPF_PROG_TEST_RUN, in-kernel repeat and one syscall per chunk.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadObject } from '../src/elf/loader.js';
import { kernelAvailability, loadKernelProgram, testRun } from '../src/kernel/bpf.js';
import { anchorsDir } from '../src/util/paths.js';

const ANCHORS = anchorsDir();
const EXPECTED_FOLD_SUM = 40_972_932_678_308n;

const options = new Command('bench-kernel')
  .option('--mib <n>', 'MiB of CSV to generate (the anchor README uses 64)', '64')
  .option('--passes <n>', 'timed passes over all chunks (median reported)', '5')
  .option('--repeat <n>', 'in-kernel repetitions of each sampled chunk per test run', '1000')
  .option('--sample <n>', 'chunks (spread evenly over the file) timed with in-kernel repeat', '64')
  .option('--data <dir>', 'where the generated CSV is cached', '/tmp/sluice-anchor')
  .parse()
  .opts<{ mib: string; passes: string; repeat: string; sample: string; data: string }>();

const availability = kernelAvailability();
if (!availability.ok) {
  console.log(`kernel benchmark skipped: ${availability.reason}`);
  process.exit(0);
}

const mib = Number(options.mib);
const base = join(options.data, `data${mib}`);
if (!existsSync(`${base}.csv`)) {
  mkdirSync(options.data, { recursive: true });
  execFileSync('node', [join(ANCHORS, 'gen.mjs'), String(mib), '3520', base], { stdio: 'inherit' });
}
const data = new Uint8Array(readFileSync(`${base}.csv`));
const index = readFileSync(`${base}.3520.idx`);
const offsets = new Uint32Array(index.buffer, index.byteOffset, index.byteLength / 4);
const chunks = Array.from({ length: offsets.length - 1 }, (_, k) => data.subarray(offsets[k], offsets[k + 1]));
const spec = loadObject(readFileSync(join(ANCHORS, 'csv.bpf.o')), 'csv.bpf.o').programs.find((p) => p.name === 'csv_scan')!;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const check = (total: bigint) => {
  if (mib === 64 && total !== EXPECTED_FOLD_SUM) throw new Error(`wrong fold sum ${total}, expected ${EXPECTED_FOLD_SUM}`);
};

const t0 = performance.now();
const program = loadKernelProgram(spec, { type: 'xdp' });
const loadMs = performance.now() - t0;
try {
  // A test run with repeat > 1 puts the program into the kernel's XDP dispatcher and waits for two
  // RCU grace periods (milliseconds), so in-kernel timing uses a sample of chunks with a large repeat,
  // and the per-call rate (repeat = 1, no dispatcher) covers every chunk and checks the answer.
  const repeat = Number(options.repeat);
  const step = Math.max(1, Math.floor(chunks.length / Number(options.sample)));
  const sample = chunks.filter((_, k) => k % step === 0);
  const inKernel: number[] = [];
  const perCall: number[] = [];
  const medianCall: number[] = [];
  const callMs = new Float64Array(chunks.length);
  for (let pass = 0; pass < Number(options.passes); pass++) {
    let ns = 0;
    let bytes = 0;
    for (const chunk of sample) {
      ns += testRun(program.fd, chunk, repeat).durationNs;
      bytes += chunk.length;
    }
    inKernel.push((bytes / ns) * 1e3);
    const start = performance.now();
    let total = 0n;
    for (let k = 0; k < chunks.length; k++) {
      const t = performance.now();
      total += BigInt(testRun(program.fd, chunks[k]!).retval);
      callMs[k] = performance.now() - t;
    }
    check(total);
    perCall.push(data.length / 1e3 / (performance.now() - start));
    // On a shared machine a few preempted calls dominate the mean; the median call shows the cost itself.
    medianCall.push(data.length / chunks.length / 1e3 / median(Array.from(callMs)));
  }
  console.log(`anchor: ${spec.insns.length} instructions, ${chunks.length} chunks, ${data.length} bytes, ${options.passes} passes`);
  console.log(`verifier: ${program.processedInsns} processed instructions, load ${loadMs.toFixed(0)} ms`);
  console.log(`Linux kernel JIT, in kernel (${sample.length} chunks x repeat ${repeat})  ${median(inKernel).toFixed(1).padStart(8)} MB/s  (README: 459)`);
  console.log(`Linux kernel JIT, one test run per chunk (all)      ${median(perCall).toFixed(1).padStart(8)} MB/s  (README: 331)`);
  console.log(`  same, mean chunk / median call time                ${median(medianCall).toFixed(1).padStart(8)} MB/s`);
} finally {
  program.close();
}
