// A program the JIT cannot translate (JitLimit) runs on the interpreter, and the tenant says so for the report.
import { describe, expect, it } from 'vitest';
import type { Instruction } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { formatRunSummary } from '../../src/report/run-summary.js';
import type { RunStats } from '../../src/storage/run-stats.js';
import { type HookChunk, Tenant } from '../../src/storage/tenant.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { MAX_DISPATCH_BLOCKS } from '../../src/vm/jit/emit-function.js';
import { jitEngine } from '../../src/vm/jit/engine.js';

const insn = (opcode: number, dst: number, src: number, offset: number, imm: number): Instruction => ({ opcode, dst, src, offset, imm });

/**
 * deepPairs reads chunk_index, then `if r1 == k goto +1; r3 += 1` for k = 0..pairs-1 (each test a merge
 * point nested in the last: more blocks than the JIT's dispatcher takes) and returns XDP_DROP.
 */
function deepPairs(): ProgramSpec {
  const pairs = Math.ceil(MAX_DISPATCH_BLOCKS / 2) + 10;
  const insns = [insn(0xb7, 3, 0, 0, 0), insn(0x61, 1, 1, 28, 0)];
  for (let k = 0; k < pairs; k++) insns.push(insn(0x15, 1, 0, 1, k), insn(0x07, 3, 0, 0, 1));
  insns.push(insn(0xb7, 0, 0, 0, 1), insn(0x95, 0, 0, 0, 0));
  return { name: 'deep_pairs', section: 'xdp', insns, maps: [], license: 'GPL' };
}

const chunk = (index: number): HookChunk => ({ source: new Uint8Array(16), start: 0, length: 16, flags: 0, index, fileOffset: 0, fileSize: 16 });

describe('JIT limit', () => {
  it('runs a program the JIT cannot translate on the interpreter, with the JIT\'s reason', () => {
    const spec = deepPairs();
    const jitted = new Tenant(spec, { name: 'deep', engine: jitEngine });
    const interpreted = new Tenant(spec, { name: 'deep', engine: new Interpreter() });
    expect(interpreted.engineFallback).toBeUndefined();
    expect(jitted.engineFallback).toMatch(/^ran on the interpreter: the JIT cannot translate program "deep_pairs": .*the fallback dispatcher takes at most/);
    for (const index of [0, 7]) expect(jitted.run(chunk(index))).toBe(interpreted.run(chunk(index)));
    expect(jitted.counts.instructions).toBe(interpreted.counts.instructions);
    expect(jitted.counts.instructions).toBeGreaterThan(2 * MAX_DISPATCH_BLOCKS);
  });

  it('says so in the run summary', () => {
    const fallback = 'ran on the interpreter: the JIT cannot translate program "p": too deep';
    const stats = {
      file: 'f.csv', fileBytes: 1, chunkBytes: 1,
      device: { bytesRead: 1 }, userSpace: { copiedBytes: 0, notCopiedBytes: 1 },
      hook: { calls: 1, chunks: 1, bytes: 1, instructions: 1, cpuSeconds: 0, loadSeconds: 0, verifyCached: false, engineFallback: fallback },
      link: { toStorage: { payloadBytes: 1, packets: 1 }, toCompute: { payloadBytes: 1, packets: 1 } },
      pipeline: { endToEnd: 0, bottleneck: 'device' },
    } as unknown as RunStats;
    expect(formatRunSummary(stats)).toMatch(/\n  engine +ran on the interpreter: the JIT cannot translate program "p": too deep\n/);
  });
});
