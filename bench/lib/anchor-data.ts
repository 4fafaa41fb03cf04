// The performance anchor's data and program (../shared/anchors): chunks of CSV, the csv_scan XDP program, its context.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProgramSpec } from '../../src/asm/program.js';
import { loadObject } from '../../src/elf/loader.js';
import { XDP_TEST_RUN_BYTES } from '../../src/kernel/bpf.js';
import type { Executable } from '../../src/vm/engine.js';
import type { Runtime } from '../../src/vm/runtime.js';
import { anchorsDir } from '../../src/util/paths.js';
import { HOOK_CONTEXT_BYTES, encodeHookContext } from '../../src/storage/hook-context.js';

/** ANCHORS is where the shared anchor program, generator and README live. */
export const ANCHORS = anchorsDir();
/** Largest chunk the anchor generator cuts: the most a Linux XDP test run takes in its linear area. */
export const ANCHOR_CHUNK = XDP_TEST_RUN_BYTES.maxLinear;

/** AnchorExpected holds the anchor README's totals over the 64 MiB data set. */
export const ANCHOR_EXPECTED = {
  mib: 64,
  chunks: 19_125,
  bytes: 67_108_847,
  rows: 1_411_484,
  sum: 70_566_847_174,
  foldSum: 40_972_932_678_308n,
} as const;

/** Chunks is CSV data cut at whole rows: chunk k is data[offsets[k], offsets[k + 1]). */
export interface Chunks {
  readonly data: Uint8Array;
  readonly offsets: Uint32Array;
}

/** chunkCount is the number of chunks. */
export function chunkCount(chunks: Chunks): number {
  return chunks.offsets.length - 1;
}

/**
 * loadChunks reads `<base>.csv` and `<base>.3520.idx`, generating them with the anchor's
 * gen.mjs (deterministic) when they are missing. `mib` is the generated size.
 */
function loadChunks(base: string, mib: number): Chunks {
  const csv = `${base}.csv`;
  const index = `${base}.${ANCHOR_CHUNK}.idx`;
  if (!existsSync(csv) || !existsSync(index)) {
    mkdirSync(dirname(base), { recursive: true });
    execFileSync('node', [join(ANCHORS, 'gen.mjs'), String(mib), String(ANCHOR_CHUNK), base], { stdio: 'inherit' });
  }
  const indexBytes = readFileSync(index);
  const offsets = new Uint32Array(indexBytes.buffer.slice(indexBytes.byteOffset, indexBytes.byteOffset + indexBytes.byteLength));
  return { data: new Uint8Array(readFileSync(csv)), offsets };
}

/** anchorChunks is loadChunks of the `mib` MiB data set kept in `dir` (`anchor` for the README's 64 MiB, else `anchor-<mib>`). */
export function anchorChunks(dir: string, mib: number): Chunks {
  return loadChunks(join(dir, mib === ANCHOR_EXPECTED.mib ? 'anchor' : `anchor-${mib}`), mib);
}

/** anchorProgram loads csv_scan from the anchor's csv.bpf.o through Sluice's ELF loader. */
export function anchorProgram(): ProgramSpec {
  if (!existsSync(ANCHORS)) throw new Error(`${ANCHORS} is missing: the anchor bench needs the shared anchor program and generator`);
  const object = loadObject(new Uint8Array(readFileSync(join(ANCHORS, 'csv.bpf.o'))), 'csv.bpf.o');
  const program = object.programs.find((p) => p.name === 'csv_scan');
  if (!program) throw new Error(`csv.bpf.o has no csv_scan program (found ${object.programs.map((p) => p.name).join(', ')})`);
  return program;
}

/** ScanTotals is one pass over every chunk: the sum of the u32 return values and the instructions run. */
export interface ScanTotals {
  readonly foldSum: bigint;
  readonly instructions: number;
}

/**
 * runChunks feeds every chunk to a loaded program as the storage node does: the chunk in the
 * input region and an xdp_md context (data, data_end, data_meta) in r1; sums r0 as a u32.
 */
export function runChunks(executable: Executable, runtime: Runtime, chunks: Chunks): ScanTotals {
  const context = new Uint8Array(HOOK_CONTEXT_BYTES);
  const view = new DataView(context.buffer);
  let foldSum = 0;
  let instructions = 0;
  const { data, offsets } = chunks;
  for (let k = 0; k + 1 < offsets.length; k++) {
    const chunk = data.subarray(offsets[k], offsets[k + 1]);
    const start = runtime.space.setInput(chunk);
    encodeHookContext({ data: start, dataEnd: start + chunk.length, flags: 0, chunkIndex: k, fileOffset: offsets[k]!, fileSize: data.length }, view);
    const result = executable.run(runtime.space.setContext(context));
    // The program returns a u32: Linux ignores r0's high half, so do we. Sums stay below 2^53.
    foldSum += Number(result.r0 & 0xffff_ffffn);
    instructions += result.instructions;
  }
  return { foldSum: BigInt(foldSum), instructions };
}
