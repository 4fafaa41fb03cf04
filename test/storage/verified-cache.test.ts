// The node's cache of verified programs: the same program is verified once, a one-byte change is verified again.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encode } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { Link } from '../../src/net/link.js';
import { StorageNode } from '../../src/storage/node.js';
import { runPushdown } from '../../src/storage/pushdown.js';
import { programKey } from '../../src/storage/verified-cache.js';
import * as verifyHook from '../../src/storage/verify-hook.js';
import { VerifierError } from '../../src/verifier/index.js';
import { dataDirWith, decodeFilterSum, filterSumProgram, peopleVariants } from './filter-sum-helpers.js';

const dataDir = dataDirWith({ 'people.csv': peopleVariants()['people.csv']! });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** withInsn returns `spec` with instruction `index` changed by `change` (one field: a byte or so of the program). */
function withInsn(spec: ProgramSpec, index: number, change: Partial<ProgramSpec['insns'][number]>): ProgramSpec {
  return { ...spec, insns: spec.insns.map((insn, i) => (i === index ? { ...insn, ...change } : insn)) };
}

describe('verified programs cache', () => {
  it('verifies a program once per node; a repeat is cached, says so, and gives the same answer', async () => {
    const node = new StorageNode({ dataDir, engine: 'jit' });
    const verify = vi.spyOn(verifyHook, 'verifyForHook');
    const first = await runPushdown({ node, link: new Link(), file: 'people.csv', spec: filterSumProgram() });
    const second = await runPushdown({ node, link: new Link(), file: 'people.csv', spec: filterSumProgram() });
    expect([first.stats.hook.verifyCached, second.stats.hook.verifyCached]).toEqual([false, true]);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(decodeFilterSum(second.maps)).toEqual(decodeFilterSum(first.maps));
    expect(decodeFilterSum(second.maps)).toEqual({ sum: 387n, count: 4n });
    verify.mockRestore();
  });

  it('verifies a program again after a one-byte change, and refuses it if the change made it unsafe', async () => {
    const node = new StorageNode({ dataDir, engine: 'jit' });
    const spec = filterSumProgram();
    await runPushdown({ node, link: new Link(), file: 'people.csv', spec });
    // A load from the context moved 4 KiB past its end: one offset field differs, and it is unsafe.
    const ctxLoad = spec.insns.findIndex((insn) => (insn.opcode & 0x07) === 0x01 && insn.src === 1);
    expect(ctxLoad).toBeGreaterThanOrEqual(0);
    const unsafe = withInsn(spec, ctxLoad, { offset: 4096 });
    const bytes = [encode(spec.insns), encode(unsafe.insns)];
    expect(bytes[0]!.filter((b, i) => b !== bytes[1]![i]).length).toBeLessThanOrEqual(2);
    expect(programKey(unsafe)).not.toBe(programKey(spec));
    await expect(runPushdown({ node, link: new Link(), file: 'people.csv', spec: unsafe })).rejects.toThrow(VerifierError);
    const again = await runPushdown({ node, link: new Link(), file: 'people.csv', spec });
    expect(again.stats.hook.verifyCached).toBe(true);
  });

  it('keys on the map specs too, and a node with no cache verifies every time', async () => {
    const spec = filterSumProgram();
    const bigger = { ...spec, maps: spec.maps.map((m, i) => (i === 0 ? { ...m, maxEntries: m.maxEntries + 1 } : m)) };
    expect(programKey(bigger)).not.toBe(programKey(spec));
    const node = new StorageNode({ dataDir, verifiedPrograms: 0 });
    await runPushdown({ node, link: new Link(), file: 'people.csv', spec });
    const repeat = await runPushdown({ node, link: new Link(), file: 'people.csv', spec });
    expect(repeat.stats.hook.verifyCached).toBe(false);
  });
});
