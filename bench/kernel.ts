// Kernel benchmark on the anchor program: the Linux JIT's MB/s through BPF_PROG_TEST_RUN, in-kernel repeat and one syscall per chunk.
import { Command } from 'commander';
import { kernelAvailability, loadKernelProgram, testRun } from '../src/kernel/bpf.js';
import { positiveInteger } from '../src/util/option-values.js';
import { ANCHOR_EXPECTED, anchorChunks, anchorProgram } from './lib/anchor-data.js';
import { median } from './lib/timing.js';

const options = new Command('bench-kernel')
  .option('--mib <n>', 'MiB of CSV to generate (the anchor README uses 64)', positiveInteger, 64)
  .option('--passes <n>', 'timed passes over all chunks (median reported)', positiveInteger, 5)
  .option('--repeat <n>', 'in-kernel repetitions of each sampled chunk per test run', positiveInteger, 1000)
  .option('--sample <n>', 'chunks (spread evenly over the file) timed with in-kernel repeat', positiveInteger, 64)
  .option('--data <dir>', 'where the generated CSV is cached', '/tmp/sluice-anchor')
  .parse()
  .opts<{ mib: number; passes: number; repeat: number; sample: number; data: string }>();

const availability = kernelAvailability();
if (!availability.ok) {
  console.log(`kernel benchmark skipped: ${availability.reason}`);
  process.exit(0);
}

const mib = options.mib;
const { data, offsets } = anchorChunks(options.data, mib);
const chunks = Array.from({ length: offsets.length - 1 }, (_, k) => data.subarray(offsets[k], offsets[k + 1]));
const spec = anchorProgram();

const check = (total: bigint) => {
  if (mib === ANCHOR_EXPECTED.mib && total !== ANCHOR_EXPECTED.foldSum) throw new Error(`wrong fold sum ${total}, expected ${ANCHOR_EXPECTED.foldSum}`);
};

const t0 = performance.now();
const program = loadKernelProgram(spec, { type: 'xdp' });
const loadMs = performance.now() - t0;
try {
  // A test run with repeat > 1 puts the program into the kernel's XDP dispatcher and waits for two
  // RCU grace periods (milliseconds), so in-kernel timing uses a sample of chunks with a large repeat,
  // and the per-call rate (repeat = 1, no dispatcher) covers every chunk and checks the answer.
  const repeat = options.repeat;
  const step = Math.max(1, Math.floor(chunks.length / options.sample));
  const sample = chunks.filter((_, k) => k % step === 0);
  const inKernel: number[] = [];
  const perCall: number[] = [];
  const medianCall: number[] = [];
  const callMs = new Float64Array(chunks.length);
  for (let pass = 0; pass < options.passes; pass++) {
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
