// JIT bench on the anchor program (MB/s beside the JS loop and the interpreter, compile time, per-call cost) or on a SQL query's program.
// Run from the repository root after `npm run build`: node dist/bench/jit.js [--mib 64] [--passes 5]
//   or, for a query's hook: node dist/bench/jit.js --query queries/tpch-q6.sql --data /tmp/jq [--mib 24] [--passes 7] [--engine interpreter]
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { assemble } from '../src/asm/assembler.js';
import type { ProgramSpec } from '../src/asm/program.js';
import { directoryCatalog } from '../src/datasets/catalog.js';
import { planAndCompile } from '../src/engine/execute.js';
import { Tenant } from '../src/storage/tenant.js';
import { verifyForHook } from '../src/storage/verify-hook.js';
import { verify } from '../src/verifier/index.js';
import type { Engine, ProgramFacts } from '../src/vm/engine.js';
import { engineByName, engineNames } from '../src/vm/engines.js';
import { Interpreter } from '../src/vm/interpreter.js';
import { compileProgram } from '../src/vm/jit/compile.js';
import { jitEngine } from '../src/vm/jit/engine.js';
import { Runtime } from '../src/vm/runtime.js';
import { positiveInteger } from '../src/util/option-values.js';
import { ANCHOR_EXPECTED, anchorChunks, anchorProgram, type Chunks, runChunks } from './lib/anchor-data.js';
import { jsScan } from './lib/js-scan.js';
import { markdownTable, median, type PassTime, timePass } from './lib/timing.js';
import { HOOK_CONTEXT } from '../src/storage/hook-context.js';

const options = new Command('bench-jit')
  .description('Time the JIT on the anchor program (csv.bpf.o) beside a hand-written JavaScript loop and the interpreter')
  .option('--mib <n>', 'MiB of CSV to scan (the anchor README and its expected totals use 64)', positiveInteger, 64)
  .option('--passes <n>', 'timed passes per contender, interleaved; medians are reported', positiveInteger, 5)
  .option('--data <dir>', 'directory of the generated CSV (git-ignored), or of the query\'s tables with --query', 'bench/data')
  .option('--query <file>', 'time the JIT on this SQL query\'s program at the hook instead (first --mib MiB of its table)')
  .option('--engine <name>', 'with --query: the engine to time (jit or interpreter)', 'jit')
  .parse()
  .opts<{ mib: number; passes: number; data: string; query?: string; engine: string }>();

const mib = options.mib;
const passes = options.passes;
if (options.query !== undefined) {
  queryBench(options.query);
  process.exit(0);
}
const chunks = anchorChunks(options.data, mib);
const bytes = chunks.data.length;
const program = anchorProgram();
const expected = jsScan(chunks).foldSum;
if (mib === ANCHOR_EXPECTED.mib && expected !== ANCHOR_EXPECTED.foldSum) throw new Error(`anchor data: fold sum ${expected}`);

const verified = verify(program, { context: HOOK_CONTEXT });

interface Contender {
  readonly name: string;
  readonly pass: () => bigint;
  readonly times: PassTime[];
}

function engineContender(name: string, engine: Engine, facts: ProgramFacts | undefined, data: Chunks): Contender {
  const runtime = new Runtime(program.maps);
  const executable = engine.load(program, runtime, facts);
  return { name, pass: () => runChunks(executable, runtime, data).foldSum, times: [] };
}

const contenders: Contender[] = [
  { name: 'JavaScript loop (hand-written)', pass: () => jsScan(chunks).foldSum, times: [] },
  engineContender('JIT, verifier facts', jitEngine, verified, chunks),
  engineContender('JIT, every access checked', jitEngine, undefined, chunks),
];
// The interpreter is ~30x slower: it scans one chunk in 16 so the bench stays short (rates are per byte).
const sample = everyNth(chunks, 16);
const sampleBytes = sample.data.length;
const interpreterContender = engineContender('interpreter, verifier facts', new Interpreter(), verified, sample);

for (const contender of contenders) {
  const result = contender.pass();
  if (result !== expected) throw new Error(`${contender.name}: fold sum ${result}, expected ${expected}`);
}
const sampleExpected = interpreterContender.pass();
for (let p = 0; p < passes; p++) {
  for (const contender of contenders) contender.times.push(timePass(contender.pass));
  interpreterContender.times.push(timePass(interpreterContender.pass));
}
if (engineContender('check', jitEngine, verified, sample).pass() !== sampleExpected) throw new Error('JIT and interpreter disagree');

const rate = (c: Contender, n: number, key: keyof PassTime) => n / 1e3 / median(c.times.map((t) => t[key]));
const jsWall = rate(contenders[0]!, bytes, 'wallMs');
const jsCpu = rate(contenders[0]!, bytes, 'cpuMs');
const rows = [...contenders.map((c) => [c, bytes] as const), [interpreterContender, sampleBytes] as const].map(([c, n]) => [
  c.name,
  rate(c, n, 'wallMs').toFixed(1),
  rate(c, n, 'cpuMs').toFixed(1),
  (rate(c, n, 'wallMs') / jsWall).toFixed(2),
  (rate(c, n, 'cpuMs') / jsCpu).toFixed(2),
]);
console.log(`anchor: ${program.insns.length} instructions, ${chunks.offsets.length - 1} chunks, ${bytes} bytes, ${passes} interleaved passes`);
console.log(markdownTable(['contender', 'MB/s wall', 'MB/s CPU', 'x JS (wall)', 'x JS (CPU)'], rows));
const jitCpu = rate(contenders[1]!, bytes, 'cpuMs');
console.log(`JIT (facts) / interpreter, CPU time: ${(jitCpu / rate(interpreterContender, sampleBytes, 'cpuMs')).toFixed(1)}x`);
const jitWall = rate(contenders[1]!, bytes, 'wallMs');
console.log(`JIT (facts) wall MB/s / Linux kernel JIT's 459 MB/s (README figure, another run): ${(jitWall / 459).toFixed(2)}x`);
console.log(`JIT load time (compile + instantiate), anchor: median ${loadMs(program).toFixed(2)} ms, module ${moduleBytes(program)} bytes`);
const overhead = callOverheadNs();
console.log(`JIT per-call overhead, empty program: median ${overhead.wallNs.toFixed(0)} ns wall, ${overhead.cpuNs.toFixed(0)} ns CPU per run`);

/** everyNth returns chunks 0, n, 2n, ... of `all`, packed into a smaller data set. */
function everyNth(all: Chunks, n: number): Chunks {
  const picked: Uint8Array[] = [];
  for (let k = 0; k + 1 < all.offsets.length; k += n) picked.push(all.data.subarray(all.offsets[k], all.offsets[k + 1]));
  const data = new Uint8Array(picked.reduce((sum, c) => sum + c.length, 0));
  const offsets = new Uint32Array(picked.length + 1);
  picked.forEach((c, k) => {
    data.set(c, offsets[k]);
    offsets[k + 1] = offsets[k]! + c.length;
  });
  return { data, offsets };
}

/** loadMs is the median time of jitEngine.load on a fresh runtime: translation, wasm compile, instantiate. */
function loadMs(spec: ProgramSpec): number {
  const times: number[] = [];
  for (let k = 0; k < 50; k++) {
    const runtime = new Runtime(spec.maps);
    const start = performance.now();
    jitEngine.load(spec, runtime, verified);
    times.push(performance.now() - start);
  }
  return median(times);
}

function moduleBytes(spec: ProgramSpec): number {
  const runtime = new Runtime(spec.maps);
  return compileProgram(spec, {
    budget: runtime.budget,
    writableInput: false,
    writable: { start: runtime.space.writableStart, end: runtime.space.writableEnd },
    mapHandle: (i) => runtime.mapHandle(i),
    mapValueAddress: (i, offset, slot) => runtime.mapValueAddress(i, offset, slot),
    funcHandle: (slot) => slot,
    arrayLayout: () => undefined, // the anchor has no maps
  }).binary.length;
}

/** callOverheadNs times `run` of `r0 = 0; exit`: the cost of entering and leaving the JIT once per chunk. */
function callOverheadNs(): { wallNs: number; cpuNs: number } {
  const runtime = new Runtime([]);
  const executable = jitEngine.load(assemble('mov r0, 0\nexit'), runtime);
  const calls = 200_000;
  const times: PassTime[] = [];
  for (let p = 0; p < 7; p++) {
    times.push(
      timePass(() => {
        for (let k = 0; k < calls; k++) executable.run(0);
      }),
    );
  }
  return { wallNs: (median(times.map((t) => t.wallMs)) * 1e6) / calls, cpuNs: (median(times.map((t) => t.cpuMs)) * 1e6) / calls };
}

/**
 * queryBench times the query's program (verified, with its facts) through the storage hook's
 * Tenant on 4 KiB chunks of the first --mib MiB of its table (then the end-of-file flush call): the hook CPU time the CLI reports
 * as "program CPU time", without the CLI's startup, verification and file reads.
 */
function queryBench(queryFile: string): void {
  const chunkBytes = 4096;
  const queryEngine = engineByName(options.engine);
  if (!queryEngine) throw new Error(`--engine: expected ${engineNames().join(' or ')}, got ${options.engine}`);
  const { plan, compiled } = planAndCompile(readFileSync(queryFile, 'utf8'), queryFile, directoryCatalog(options.data), chunkBytes);
  const facts = verifyForHook(compiled.spec);
  const table = readFileSync(plan.table.path);
  const data = table.subarray(0, Math.min(table.length, mib * 2 ** 20));
  const count = Math.ceil(data.length / chunkBytes);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let p = 0; p < passes; p++) {
    const tenant = new Tenant(compiled.spec, { name: 'bench', engine: queryEngine, facts });
    const pass = timePass(() => {
      for (let k = 0; k < count; k++) {
        const flags = (k === 0 ? 1 : 0) | (k === count - 1 ? 2 : 0);
        const start = k * chunkBytes;
        tenant.run({ source: data, start, length: Math.min(chunkBytes, data.length - start), flags, index: k, fileOffset: start, fileSize: data.length });
      }
      tenant.run({ source: data, start: data.length, length: 0, flags: 4, index: count, fileOffset: data.length, fileSize: data.length });
    });
    times.push(tenant.counts.cpuSeconds * 1000);
    cpuTimes.push(pass.cpuMs);
  }
  const ms = median(times);
  const cpuMs = median(cpuTimes);
  console.log(`${queryFile}: ${compiled.spec.insns.length} instructions, ${count} chunks, ${data.length} bytes, ${passes} passes`);
  console.log(`${queryEngine.name} hook time (the CLI's "program CPU time"): median ${ms.toFixed(1)} ms, ${(data.length / 1e3 / ms).toFixed(0)} MB/s`);
  console.log(`${queryEngine.name} process CPU time over the same calls: median ${cpuMs.toFixed(1)} ms, ${(data.length / 1e3 / cpuMs).toFixed(0)} MB/CPU-s`);
}
