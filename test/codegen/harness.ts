// Test harness: run a compiled query over bytes in fixed-size chunks with Sluice's interpreter, as the storage node does.
import { HOOK_CONTEXT_BYTES, OutputBuffer, encodeHookContext } from '../../src/storage/hook-context.js';
import { OutputDrain, isOutputBuffer } from '../../src/storage/output-drain.js';
import type { Engine } from '../../src/vm/engine.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { Runtime } from '../../src/vm/runtime.js';
import { expect } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { DEFAULT_MAX_CHUNK, compileQuery, type CompiledQuery } from '../../src/codegen/compile.js';
import type { Plan } from '../../src/sql/plan.js';
import type { MapReader } from '../../src/codegen/read-maps.js';

/** xdpContext builds the hook context for one chunk with the storage node's own encoder (one layout for all). */
export function xdpContext(data: number, length: number, flags: number, chunkIndex: number, fileOffset: number, fileSize: number): Uint8Array {
  const bytes = new Uint8Array(HOOK_CONTEXT_BYTES);
  encodeHookContext({ data, dataEnd: data + length, flags, chunkIndex, fileOffset, fileSize }, new DataView(bytes.buffer));
  return bytes;
}

/** chunksOf cuts bytes into chunks of `size` (the last may be shorter). */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** ScanRun is the outcome of scanning a whole file: a reader of the final maps and instructions executed. */
export interface ScanRun {
  readonly read: MapReader;
  readonly instructions: number;
  readonly returns: bigint[];
}

/** scanWithInterpreter runs the program once per chunk and once more on an empty chunk (end of file). */
export function scanWithInterpreter(compiled: CompiledQuery, bytes: Uint8Array, chunkSize: number, engine: Engine = new Interpreter()): ScanRun {
  const runtime = new Runtime(compiled.spec.maps, { budget: 200_000_000 });
  const program = engine.load(compiled.spec, runtime);
  // A row selection's records are copied out after every call, as the storage node does (OutputDrain).
  const outputMap = runtime.maps.find((map) => isOutputBuffer(map.spec));
  const drain = outputMap && new OutputDrain(outputMap);
  const chunks = chunksOf(bytes, chunkSize);
  let instructions = 0;
  const returns: bigint[] = [];
  let offset = 0;
  [...chunks, new Uint8Array(0)].forEach((chunk, index) => {
    const data = runtime.space.setInput(chunk);
    const flags = (index === 0 ? 1 : 0) | (index === chunks.length - 1 ? 2 : 0) | (index === chunks.length ? 4 : 0);
    const ctx = runtime.space.setContext(xdpContext(data, chunk.length, flags, index, offset, bytes.length));
    const result = program.run(ctx);
    instructions += result.instructions;
    returns.push(result.r0);
    drain?.drain();
    offset += chunk.length;
  });
  return { read: (name) => (drain && name === OutputBuffer.mapName ? drain.entries() : runtime.map(name).entries()), instructions, returns };
}

/** outcome runs one evaluation and returns its result, or the error's class and position. */
export function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const { line, column } = error as Error & { line?: number; column?: number };
    return { error: error.name, line, column };
  }
}

/** baselineOutcome is ship-all's answer for a plan over bytes, or its error's class and position. */
export function baselineOutcome(plan: Plan, bytes: Uint8Array): unknown {
  return outcome(() => {
    const consumer = createBaselineConsumer(plan);
    consumer.write(bytes);
    return consumer.end();
  });
}

/**
 * expectProgramAgrees scans `text` with the plan's emitted program on the interpreter at each chunk size
 * (compiled for chunks of at least the default largest one) and expects the baseline's outcome, which it returns.
 */
export function expectProgramAgrees(plan: Plan, text: string, chunks: readonly number[]): unknown {
  const bytes = Buffer.from(text);
  const expected = baselineOutcome(plan, bytes);
  const programs = new Map<number, CompiledQuery>();
  for (const chunk of chunks) {
    const maxChunk = Math.max(chunk, DEFAULT_MAX_CHUNK);
    const compiled = programs.get(maxChunk) ?? compileQuery(plan, { maxChunk });
    programs.set(maxChunk, compiled);
    const actual = outcome(() => compiled.decode(scanWithInterpreter(compiled, bytes, chunk).read));
    expect(actual, `${chunk}-byte chunks`).toEqual(expected);
  }
  return expected;
}
