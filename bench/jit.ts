// JIT benchmark on the anchor program: MB/s against a hand-written JavaScript loop, compile time, per-call cost.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { assemble } from '../src/asm/assembler.js';
import type { ProgramSpec } from '../src/asm/program.js';
import { loadObject } from '../src/elf/loader.js';
import type { Engine, Executable } from '../src/vm/engine.js';
import { compileProgram } from '../src/vm/jit/compile.js';
import { jitEngine } from '../src/vm/jit/engine.js';
import { Runtime } from '../src/vm/runtime.js';

const ANCHORS = '/work/shared/anchors';
const EXPECTED_FOLD_SUM = 40_972_932_678_308n;

const options = new Command('bench-jit')
  .option('--mib <n>', 'MiB of CSV to generate (the anchor README uses 64)', '64')
  .option('--passes <n>', 'timed passes over all chunks per engine (median reported)', '5')
  .option('--data <dir>', 'where the generated CSV is cached', '/tmp/sluice-anchor')
  .parse()
  .opts<{ mib: string; passes: string; data: string }>();

/** Chunks is the anchor data: the CSV bytes and the chunk boundaries from gen.mjs's index. */
interface Chunks {
  readonly data: Uint8Array;
  readonly offsets: Uint32Array;
}

function loadChunks(mib: number, dir: string): Chunks {
  const base = join(dir, `data${mib}`);
  if (!existsSync(`${base}.csv`)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('node', [join(ANCHORS, 'gen.mjs'), String(mib), '3520', base], { stdio: 'inherit' });
  }
  const index = readFileSync(`${base}.3520.idx`);
  const offsets = new Uint32Array(index.buffer, index.byteOffset, index.byteLength / 4);
  return { data: new Uint8Array(readFileSync(`${base}.csv`)), offsets };
}

function anchorProgram(): ProgramSpec {
  const object = loadObject(readFileSync(join(ANCHORS, 'csv.bpf.o')), 'csv.bpf.o');
  return object.programs.find((p) => p.name === 'csv_scan')!;
}

/** runEngine feeds every chunk through the program as the storage node does (xdp_md context) and folds r0. */
function runEngine(exe: Executable, runtime: Runtime, chunks: Chunks): bigint {
  const context = new Uint8Array(48);
  const view = new DataView(context.buffer);
  let total = 0n;
  for (let k = 0; k + 1 < chunks.offsets.length; k++) {
    const chunk = chunks.data.subarray(chunks.offsets[k], chunks.offsets[k + 1]);
    const start = runtime.space.setInput(chunk);
    view.setUint32(0, start, true);
    view.setUint32(4, start + chunk.length, true);
    view.setUint32(8, start, true);
    const ctx = runtime.space.setContext(context);
    total += exe.run(ctx).r0 & 0xffff_ffffn; // XDP programs return a u32
  }
  return total;
}

/** jsLoop is the same scan written by hand in JavaScript (csvcore.h), the baseline to beat. */
function jsLoop(chunks: Chunks): bigint {
  let total = 0n;
  const data = chunks.data;
  for (let k = 0; k + 1 < chunks.offsets.length; k++) {
    const end = chunks.offsets[k + 1]!;
    let val = 0;
    let f0 = 0;
    let f1 = 0;
    let sum = 0;
    let cnt = 0;
    for (let i = chunks.offsets[k]!; i < end; i++) {
      const c = data[i]!;
      if (c - 48 >>> 0 < 10) val = val * 10 + (c - 48);
      else if (c === 44) {
        f0 = f1;
        f1 = val;
        val = 0;
      } else if (c === 10) {
        if (f0 < 50000) {
          sum += f1;
          cnt++;
        }
        val = 0;
      }
    }
    const fold = ((sum ^ Math.floor(sum / 2 ** 32)) ^ Math.imul(cnt, 0x9e3779b1)) >>> 0;
    total += BigInt(fold);
  }
  return total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** timeMBps runs `pass` several times and returns the median MB/s (10^6 bytes per second). */
function timeMBps(bytes: number, passes: number, pass: () => bigint, check: bigint | undefined): number {
  const rates: number[] = [];
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    const result = pass();
    const ms = performance.now() - t0;
    if (check !== undefined && result !== check) throw new Error(`wrong result ${result}, expected ${check}`);
    rates.push(bytes / 1e3 / ms);
  }
  return median(rates);
}

function engineRate(engine: Engine, spec: ProgramSpec, chunks: Chunks, passes: number, check: bigint | undefined): number {
  const runtime = new Runtime(spec.maps, { budget: 10_000_000 });
  const exe = engine.load(spec, runtime);
  return timeMBps(chunks.data.length, passes, () => runEngine(exe, runtime, chunks), check);
}

function compileMs(spec: ProgramSpec): number {
  const times: number[] = [];
  for (let k = 0; k < 50; k++) {
    const runtime = new Runtime(spec.maps);
    const t0 = performance.now();
    jitEngine.load(spec, runtime);
    times.push(performance.now() - t0);
  }
  return median(times);
}

function callOverheadNs(): number {
  const spec = assemble('mov r0, 0\nexit\n');
  const runtime = new Runtime(spec.maps);
  const exe = jitEngine.load(spec, runtime);
  const calls = 1_000_000;
  const rates: number[] = [];
  for (let p = 0; p < 5; p++) {
    const t0 = performance.now();
    for (let k = 0; k < calls; k++) exe.run(0);
    rates.push(((performance.now() - t0) * 1e6) / calls);
  }
  return median(rates);
}

const mib = Number(options.mib);
const passes = Number(options.passes);
const chunks = loadChunks(mib, options.data);
const spec = anchorProgram();
const check = mib === 64 ? EXPECTED_FOLD_SUM : undefined;
const bytes = chunks.data.length;
console.log(`anchor: ${spec.insns.length} instructions, ${chunks.offsets.length - 1} chunks, ${bytes} bytes, ${passes} passes`);
const jsCheck = jsLoop(chunks);
if (check !== undefined && jsCheck !== check) throw new Error(`JavaScript loop disagrees: ${jsCheck}`);
const binary = compileProgram(spec, {
  budget: 1_000_000,
  writableInput: false,
  mapHandle: (i) => i,
  mapValueAddress: () => 0,
  funcHandle: (s) => s,
}).binary;
const rows: [string, number][] = [];
// Interleave engines so that machine noise hits both alike.
const js: number[] = [];
const jit: number[] = [];
for (let round = 0; round < 3; round++) {
  js.push(timeMBps(bytes, passes, () => jsLoop(chunks), jsCheck));
  jit.push(engineRate(jitEngine, spec, chunks, passes, jsCheck));
}
rows.push(['JavaScript loop (hand-written)', median(js)], ['JIT', median(jit)]);
for (const [name, rate] of rows) console.log(`${name.padEnd(32)} ${rate.toFixed(1).padStart(8)} MB/s`);
console.log(`JIT / JavaScript loop            ${(median(jit) / median(js)).toFixed(2).padStart(8)}x`);
console.log(`JIT / Linux kernel JIT (459 MB/s) ${(median(jit) / 459).toFixed(2).padStart(7)}x`);
console.log(`compile (load) time, anchor      ${compileMs(spec).toFixed(2).padStart(8)} ms  (module ${binary.length} bytes)`);
console.log(`per-call overhead, empty program ${callOverheadNs().toFixed(0).padStart(8)} ns`);
