// verify()'s contract: the anchor program, limits, the refusal's fields and message, log levels, contexts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { loadObject } from '../../src/elf/loader.js';
import { VerifierError, memoryContext, verify } from '../../src/verifier/index.js';
import { join } from 'node:path';
import { anchorsDir } from '../../src/util/paths.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';

const ANCHOR = join(anchorsDir(), 'csv.bpf.o');
const hasAnchor = existsSync(ANCHOR);
if (!hasAnchor) console.log(`skipping the anchor verification: ${ANCHOR} is missing`);

function refusal(run: () => unknown): VerifierError {
  try {
    run();
  } catch (e) {
    if (e instanceof VerifierError) return e;
    throw e;
  }
  throw new Error('expected a VerifierError');
}

const PACKET_READ = `
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto out
r0 = *(u8 *)(r2 + 8)
out:
exit`;

describe.skipIf(!hasAnchor)('the anchor program', () => {
  const program = hasAnchor ? loadObject(new Uint8Array(readFileSync(ANCHOR)), 'csv.bpf.o').programs.find((p) => p.name === 'csv_scan')! : undefined;

  test('is accepted with the hook context within Linux-like effort', () => {
    const result = verify(program!, { context: HOOK_CONTEXT });
    // The loop runs up to 3,520 times and every iteration is walked (Linux: 348,725 processed insns).
    expect(result.stats.processedInsns).toBeGreaterThan(3520 * 20);
    expect(result.stats.processedInsns).toBeLessThan(1_000_000);
    expect(result.stats.maxStackDepth).toBe(16);
    // The two context loads, the chunk read and the four stack accesses are all proven.
    for (const slot of [1, 2, 7, 8, 17, 30, 34]) expect(result.safeAccesses.has(slot), `insn #${slot}`).toBe(true);
    expect(result.log).toMatch(/^processed \d+ insns/);
  });

  test('is refused as too complex under a small budget', () => {
    const e = refusal(() => verify(program!, { context: HOOK_CONTEXT, complexityLimit: 5000 }));
    expect(e.reason).toMatch(/too complex/);
  });
});

describe('refusals', () => {
  test('carry the instruction, its disassembly, the registers and a kernel-like first line', () => {
    const e = refusal(() => verify(assemble(PACKET_READ), { context: HOOK_CONTEXT }));
    expect(e.insn).toBe(6);
    expect(e.disassembly).toContain('r0 = *(u8 *)(r2 + 0x8)');
    expect(e.reason).toBe('invalid access to packet, off=8 size=1, R2(id=0,off=0,r=8)');
    expect(e.registers).toContain('R2=pkt(id=0,off=0,r=8)');
    expect(e.registers).toContain('R3=pkt_end()');
    expect(e.message.split('\n')[0]).toBe(`insn #6: ${e.disassembly}: ${e.reason}`);
    expect(e.message).toContain(e.registers);
    // Without a log level the log is the path's last steps, ending at the refused instruction.
    expect(e.log.trim().split('\n').pop()).toBe(`6: ${e.disassembly}`);
  });

  test('for structure name the slot without register state', () => {
    const e = refusal(() => verify(assemble('r0 = 0\nexit\nr0 = 1\nexit'), { context: HOOK_CONTEXT }));
    expect(e.insn).toBe(2);
    expect(e.registers).toBe('');
    expect(e.reason).toBe('unreachable insn 2');
  });

  test('enforce the size limit', () => {
    const e = refusal(() => verify(assemble('r0 = 0\nr0 = 1\nexit'), { context: HOOK_CONTEXT, maxInsns: 2 }));
    expect(e.reason).toMatch(/too large: 3 instructions, the limit is 2/);
  });
});

describe('logs', () => {
  test('level 2 prints every step with the registers after it', () => {
    const program = assemble('r0 = *(u32 *)(r1 + 16)\nif r0 > 7 goto out\nr0 += 1\nout:\nexit');
    const { log, stats } = verify(program, { context: HOOK_CONTEXT, logLevel: 2 });
    expect(log).toContain('0: r0 = *(u32 *)(r1 + 0x10) ; R0=scalar(umax=4294967295');
    expect(log).toContain('2: r0 += 0x1 ; R0=scalar(umin=1,umax=8');
    expect(log).toMatch(/from branch to 3/);
    expect(log.split('\n').filter((l) => /^\d+: /.test(l))).toHaveLength(stats.processedInsns);
  });

  test('level 1 prints every step without registers', () => {
    const program = assemble('r0 = *(u32 *)(r1 + 16)\nif r0 > 7 goto out\nr0 += 1\nout:\nexit');
    const { log } = verify(program, { context: HOOK_CONTEXT, logLevel: 1 });
    expect(log.split('\n').slice(0, 2)).toEqual(['0: r0 = *(u32 *)(r1 + 0x10)', '1: if r0 > 0x7 goto +0x1 <L3>']);
    const steps = log.split('\n').filter((l) => /^\d+: /.test(l));
    expect(steps).toHaveLength(5);
    expect(steps.some((l) => l.includes(' ; '))).toBe(false);
  });

  test('level 0 keeps only the summary', () => {
    const { log } = verify(assemble('r0 = 0\nexit'), { context: HOOK_CONTEXT });
    expect(log).toBe('processed 2 insns (limit 1000000) total_states 1 peak_states 1 stack_depth 0');
  });
});

describe('contexts', () => {
  const lastByte = (off: number) => assemble(`r0 = *(u8 *)(r1 + ${off})\nr0 += r2\nexit`);

  test('memoryContext gives r1 exactly `length` bytes and r2 the length', () => {
    expect(() => verify(lastByte(15), { context: memoryContext(16) })).not.toThrow();
    expect(refusal(() => verify(lastByte(16), { context: memoryContext(16) })).reason).toMatch(/invalid access to memory, mem_size=16 off=16 size=1/);
  });

  test('memory is writable but the hook context is not', () => {
    const store = assemble('*(u32 *)(r1 + 0) = 1\nr0 = 0\nexit');
    expect(() => verify(store, { context: memoryContext(4) })).not.toThrow();
    expect(refusal(() => verify(store, { context: HOOK_CONTEXT })).reason).toMatch(/context is read-only/);
  });

  test('HOOK_CONTEXT fields load with their own sizes only', () => {
    expect(() => verify(assemble('r0 = *(u64 *)(r1 + 40)\nexit'), { context: HOOK_CONTEXT })).not.toThrow();
    expect(refusal(() => verify(assemble('r0 = *(u32 *)(r1 + 40)\nexit'), { context: HOOK_CONTEXT })).reason).toMatch(/field file_size is 8 bytes/);
  });
});
