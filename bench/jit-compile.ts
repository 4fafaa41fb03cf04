// JIT compile time per program (eBPF -> WebAssembly -> a V8 instance), for the anchor and every example query's program.
// `node dist/bench/jit-compile.js [--runs 5]`; the target is under 20 ms per program.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { ProgramSpec } from '../src/asm/program.js';
import { defaultCatalog } from '../src/datasets/default-data.js';
import { planAndCompile } from '../src/engine/execute.js';
import { HOOK_CONTEXT } from '../src/storage/hook-context.js';
import { projectRoot } from '../src/util/paths.js';
import { verify } from '../src/verifier/index.js';
import { jitEngine } from '../src/vm/jit/engine.js';
import { Runtime } from '../src/vm/runtime.js';
import { anchorProgram } from './lib/anchor-data.js';
import { median } from './lib/timing.js';

const options = new Command('jit-compile').option('--runs <n>', 'loads per program; the median is reported', '5').parse().opts<{ runs: string }>();
const runs = Number(options.runs);
const root = projectRoot();
const catalog = defaultCatalog(root);

const programs: { name: string; spec: ProgramSpec }[] = [];
try {
  programs.push({ name: 'anchor csv_scan', spec: anchorProgram() });
} catch (error) {
  console.log(`anchor left out: ${(error as Error).message}`);
}
for (const file of readdirSync(join(root, 'queries')).filter((f) => f.endsWith('.sql')).sort()) {
  programs.push({ name: file, spec: planAndCompile(readFileSync(join(root, 'queries', file), 'utf8'), file, catalog, 4096).compiled.spec });
}

// Wall time, and the process's CPU time (robust when the machine is busy; it includes V8's compiler threads).
console.log('| program | instructions | JIT load, median wall ms | median CPU ms |\n|---|---:|---:|---:|');
for (const { name, spec } of programs) {
  const facts = verify(spec, { context: HOOK_CONTEXT });
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const runtime = new Runtime(spec.maps);
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    jitEngine.load(spec, runtime, facts);
    const used = process.cpuUsage(cpuStarted);
    if (run === 0) continue; // the first load warms the compiler up
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  console.log(`| ${name} | ${spec.insns.length} | ${median(wall).toFixed(1)} | ${median(cpu).toFixed(1)} |`);
}
