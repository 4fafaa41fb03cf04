// JIT compile time per program (eBPF -> WebAssembly -> a V8 instance), cold and warm, for the anchor and every example query's program.
// `node dist/bench/jit-compile.js [--runs 5] [--only q6]`; the target is under 20 ms per program. "Cold" is the first load in a
// fresh process (the translator's JavaScript not yet compiled by V8), "warm" the median of later loads, and "from a code cache"
// the first load in a fresh process of a module kept by an earlier process (what `sluice query` does with its program store).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { ProgramSpec } from '../src/asm/program.js';
import { defaultCatalog } from '../src/datasets/default-data.js';
import { prepareQuery } from '../src/engine/execute.js';
import { HOOK_CONTEXT } from '../src/storage/hook-context.js';
import { projectRoot } from '../src/util/paths.js';
import { verify } from '../src/verifier/index.js';
import type { CodeCache } from '../src/vm/engine.js';
import { jitEngine } from '../src/vm/jit/engine.js';
import { Runtime } from '../src/vm/runtime.js';
import { positiveInteger } from '../src/util/option-values.js';
import { anchorProgram } from './lib/anchor-data.js';
import { markdownTable, median } from './lib/timing.js';

const options = new Command('jit-compile')
  .option('--runs <n>', 'warm loads per program; the median is reported', positiveInteger, 5)
  .option('--only <text>', 'only programs whose name contains this text')
  .option('--cold <name>', '(internal) load only this program once, in this fresh process, and print its times as JSON')
  .option('--cached <file>', '(internal) with --cold: take the module from this record, as from a code cache')
  .parse()
  .opts<{ runs: number; only?: string; cold?: string; cached?: string }>();
const root = projectRoot();

/** programNames lists the anchor and the example queries, in the order they are reported. */
function programNames(): string[] {
  return ['anchor csv_scan', ...readdirSync(join(root, 'queries')).filter((f) => f.endsWith('.sql')).sort()];
}

/**
 * program builds one named program: the anchor, or an example query compiled for 4 KiB chunks (a join's
 * build sides run first, on the interpreter, so that a cold load finds the JIT's code not yet run).
 */
async function program(name: string): Promise<ProgramSpec> {
  if (name === 'anchor csv_scan') return anchorProgram();
  const sql = readFileSync(join(root, 'queries', name), 'utf8');
  return (await prepareQuery({ sql, queryFile: name, catalog: defaultCatalog(root), chunkBytes: 4096, onError: 'stop', engine: 'interpreter', link: {} })).compiled.spec;
}

/** cpuMs runs `work` and returns this process's CPU milliseconds for it (V8's compiler threads included). */
function cpuMs(work: () => void): number {
  const started = process.cpuUsage();
  work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** recordingCache is a CodeCache that keeps the one module put into it (or gives `record` back for any key). */
function recordingCache(record?: Uint8Array): CodeCache & { record?: Uint8Array } {
  const cache: CodeCache & { record?: Uint8Array } = {
    ...(record && { record }),
    get: () => cache.record,
    put: (_key, code) => {
      cache.record = code;
    },
  };
  return cache;
}

if (options.cold !== undefined) {
  // The child: one load, the first of this process.
  const spec = await program(options.cold);
  const facts = verify(spec, { context: HOOK_CONTEXT });
  const runtime = new Runtime(spec.maps);
  const cache = options.cached === undefined ? undefined : recordingCache(new Uint8Array(readFileSync(options.cached)));
  const ms = cpuMs(() => jitEngine.load(spec, runtime, facts, cache));
  process.stdout.write(JSON.stringify({ ms }));
} else {
  const runs = options.runs;
  const scratch = join(tmpdir(), `sluice-jit-compile-${process.pid}.module`);
  process.on('exit', () => rmSync(scratch, { force: true }));
  /** coldMs loads `name` in a fresh process and returns its CPU milliseconds. */
  const coldMs = (name: string, cached: boolean): number => {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cold', name, ...(cached ? ['--cached', scratch] : [])], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`cold load of ${name} failed: ${child.stderr.slice(-1000)}`);
    return (JSON.parse(child.stdout) as { ms: number }).ms;
  };
  const rows: (string | number)[][] = [];
  for (const name of programNames()) {
    if (options.only && !name.includes(options.only)) continue;
    const spec = await program(name);
    const facts = verify(spec, { context: HOOK_CONTEXT });
    const warm: number[] = [];
    const cache = recordingCache();
    for (let run = 0; run < runs + 1; run++) {
      const runtime = new Runtime(spec.maps);
      const ms = cpuMs(() => jitEngine.load(spec, runtime, facts, run === 0 ? cache : undefined));
      if (run > 0) warm.push(ms); // the first load warms the compiler up (and fills the cache)
    }
    writeFileSync(scratch, cache.record!);
    rows.push([name, spec.insns.length, coldMs(name, false).toFixed(1), median(warm).toFixed(1), coldMs(name, true).toFixed(1)]);
  }
  console.log('JIT load (translate to WebAssembly, compile, instantiate), CPU milliseconds of this process (V8\'s compiler threads included)\n');
  console.log(markdownTable(['program', 'instructions', 'cold: first load in a fresh process', 'warm: median of later loads', 'from a code cache, fresh process'], rows));
}
