// Every instruction class on every engine, with hand-computed results and the ISA's edge rules.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { runWithMemory } from '../../src/vm/conformance.js';
import { ENGINES } from '../../src/vm/engines.js';
import { Runtime } from '../../src/vm/runtime.js';

const u64 = (v: bigint) => BigInt.asUintN(64, v);
const INT64_MIN = 0x8000_0000_0000_0000n;

/** Cases: [name, program (bpf_conformance syntax), expected r0, optional memory]. */
const CASES: [string, string, bigint, number[]?][] = [
  // ALU64
  ['add64 carries into the high half', 'lddw %r0, 0xffffffff\nadd %r0, 1\nexit', 0x1_0000_0000n],
  ['add64 sign-extends a negative imm', 'mov %r0, 5\nadd %r0, -7\nexit', u64(-2n)],
  ['sub64 borrows from the high half', 'lddw %r0, 0x100000000\nsub %r0, 1\nexit', 0xffff_ffffn],
  ['sub64 below zero wraps', 'mov %r0, 0\nmov %r1, 1\nsub %r0, %r1\nexit', u64(-1n)],
  ['mul64 full 64-bit product', 'lddw %r0, 0x123456789abcdef0\nlddw %r1, 0x0fedcba987654321\nmul %r0, %r1\nexit', u64(0x123456789abcdef0n * 0x0fedcba987654321n)],
  ['mul64 of a negative imm', 'mov %r0, 3\nmul %r0, -5\nexit', u64(-15n)],
  ['mul64 beyond 2^53', 'lddw %r0, 0xffffffff\nmul %r0, %r0\nexit', 0xffff_fffe_0000_0001n],
  ['div64 unsigned, 64-bit dividend', 'lddw %r0, 0xffffffffffffffff\ndiv %r0, 3\nexit', 0x5555_5555_5555_5555n],
  ['div64 imm -1 is 2^64-1 (sign-extended)', 'mov %r0, 10\ndiv %r0, -1\nexit', 0n],
  ['div64 by zero gives 0', 'mov %r0, 10\nmov %r1, 0\ndiv %r0, %r1\nexit', 0n],
  ['mod64 by zero leaves dst', 'lddw %r0, 0x1122334455667788\nmov %r1, 0\nmod %r0, %r1\nexit', 0x1122_3344_5566_7788n],
  ['mod64 unsigned', 'lddw %r0, 0xffffffffffffffff\nmod %r0, 10\nexit', 0xffff_ffff_ffff_ffffn % 10n],
  ['sdiv64 truncates toward zero', 'mov %r0, -7\nsdiv %r0, 2\nexit', u64(-3n)],
  ['smod64 takes the sign of the dividend', 'mov %r0, -7\nsmod %r0, 2\nexit', u64(-1n)],
  ['sdiv64 INT64_MIN by -1 is INT64_MIN', 'lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit', INT64_MIN],
  ['smod64 INT64_MIN by -1 is 0', 'lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit', 0n],
  ['sdiv64 of 64-bit operands', 'lddw %r0, 0xfffffff000000000\nlddw %r1, 0x100000000\nsdiv %r0, %r1\nexit', u64(-16n)],
  ['sdiv64 by zero gives 0', 'mov %r0, -7\nmov %r1, 0\nsdiv %r0, %r1\nexit', 0n],
  ['or/and/xor 64', 'lddw %r0, 0xf0f0f0f000000000\nor %r0, 0xf\nlddw %r1, 0xff00ff00ff00ff00\nand %r0, %r1\nxor %r0, -1\nexit', u64(~(0xf0f0f0f000000000n & 0xff00ff00ff00ff00n))],
  ['lsh64 by 63', 'mov %r0, 1\nlsh %r0, 63\nexit', INT64_MIN],
  ['lsh64 count is masked to 6 bits', 'mov %r0, 3\nmov %r1, 65\nlsh %r0, %r1\nexit', 6n],
  ['lsh64 by 32 moves low to high', 'mov %r0, 0x1234\nlsh %r0, 32\nexit', 0x1234_0000_0000n],
  ['rsh64 is logical', 'mov %r0, -1\nrsh %r0, 60\nexit', 0xfn],
  ['rsh64 by 36 from the high half', 'lddw %r0, 0xabcdef0000000000\nrsh %r0, 36\nexit', 0xabcdef0n],
  ['rsh64 by 4 crosses halves', 'lddw %r0, 0x0000000100000000\nrsh %r0, 4\nexit', 0x1000_0000n],
  ['arsh64 keeps the sign', 'lddw %r0, 0x8000000000000000\narsh %r0, 40\nexit', u64(INT64_MIN >> 40n) | 0xffff_ffff_ff80_0000n],
  ['arsh64 by 4 crosses halves', 'lddw %r0, 0xf000000100000000\narsh %r0, 4\nexit', 0xff00_0000_1000_0000n],
  ['neg64 of 1', 'mov %r0, 1\nneg %r0\nexit', u64(-1n)],
  ['neg64 of 0', 'mov %r0, 0\nneg %r0\nexit', 0n],
  ['neg64 of 2^32', 'lddw %r0, 0x100000000\nneg %r0\nexit', u64(-0x1_0000_0000n)],
  ['mov64 imm sign-extends', 'mov %r0, -1\nexit', u64(-1n)],
  ['movsx8 to 64', 'mov %r1, 0x180\nmovsx864 %r0, %r1\nexit', u64(-128n)],
  ['movsx16 to 64', 'mov %r1, 0x8001\nmovsx1664 %r0, %r1\nexit', u64(-0x7fffn)],
  ['movsx32 to 64', 'lddw %r1, 0x80000000\nmovsx3264 %r0, %r1\nexit', u64(-0x8000_0000n)],
  // ALU32: results zero-extend
  ['add32 wraps and zero-extends', 'lddw %r0, 0xffffffffffffffff\nadd32 %r0, 1\nexit', 0n],
  ['sub32 zero-extends', 'mov32 %r0, 0\nsub32 %r0, 1\nexit', 0xffff_ffffn],
  ['mul32 keeps the low 32 bits', 'mov32 %r0, 0x10001\nmul32 %r0, 0x10001\nexit', 0x0002_0001n],
  ['div32 is unsigned', 'mov32 %r0, -1\ndiv32 %r0, 2\nexit', 0x7fff_ffffn],
  ['div32 by zero gives 0', 'mov32 %r0, 5\nmov32 %r1, 0\ndiv32 %r0, %r1\nexit', 0n],
  ['mod32 by zero zero-extends dst', 'lddw %r0, 0x100000005\nmov %r1, 0\nmod32 %r0, %r1\nexit', 5n],
  ['mod32 uses the low halves', 'lddw %r0, 0x100000007\nmod32 %r0, 4\nexit', 3n],
  ['sdiv32 INT32_MIN by -1', 'mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit', 0x8000_0000n],
  ['smod32 negative dividend', 'mov32 %r0, -7\nsmod32 %r0, 2\nexit', 0xffff_ffffn],
  ['lsh32 count masked to 5 bits', 'mov32 %r0, 1\nlsh32 %r0, 33\nexit', 2n],
  ['rsh32 ignores the high half', 'lddw %r0, 0xffffffff00000010\nrsh32 %r0, 4\nexit', 1n],
  ['arsh32 sign fills 32 bits, then zero-extends', 'mov32 %r0, 0x80000000\narsh32 %r0, 4\nexit', 0xf800_0000n],
  ['neg32 zero-extends', 'mov32 %r0, 1\nneg32 %r0\nexit', 0xffff_ffffn],
  ['mov32 register zero-extends', 'lddw %r1, 0xffffffffffffffff\nmov32 %r0, %r1\nexit', 0xffff_ffffn],
  ['movsx8 to 32 zero-extends', 'mov %r1, 0x80\nmovsx832 %r0, %r1\nexit', 0xffff_ff80n],
  ['or32/and32/xor32', 'lddw %r0, 0xffffffff0000f0f0\nor32 %r0, 0x0f00\nand32 %r0, 0xff00\nxor32 %r0, 0x1\nexit', 0xff01n],
  // byte swaps
  ['be16 swaps and truncates', 'lddw %r0, 0x1122334455667788\nbe16 %r0\nexit', 0x8877n],
  ['be32', 'lddw %r0, 0x1122334455667788\nbe32 %r0\nexit', 0x8877_6655n],
  ['be64', 'lddw %r0, 0x1122334455667788\nbe64 %r0\nexit', 0x8877_6655_4433_2211n],
  ['le16 truncates', 'lddw %r0, 0x1122334455667788\nle16 %r0\nexit', 0x7788n],
  ['le32 truncates', 'lddw %r0, 0x1122334455667788\nle32 %r0\nexit', 0x5566_7788n],
  ['le64 is the identity', 'lddw %r0, 0x1122334455667788\nle64 %r0\nexit', 0x1122_3344_5566_7788n],
  ['bswap16', 'lddw %r0, 0x1122334455667788\nbswap16 %r0\nexit', 0x8877n],
  ['bswap64', 'lddw %r0, 0x1122334455667788\nbswap64 %r0\nexit', 0x8877_6655_4433_2211n],
  // jumps: signed vs unsigned, 64 vs 32 bits
  ['jgt is unsigned', 'mov %r1, -1\nmov %r0, 0\njgt %r1, 1, yes\nexit\nyes:\nmov %r0, 1\nexit', 1n],
  ['jsgt is signed', 'mov %r1, -1\nmov %r0, 0\njsgt %r1, 1, yes\nexit\nyes:\nmov %r0, 1\nexit', 0n],
  ['jslt compares high halves signed', 'lddw %r1, 0x8000000000000000\nmov %r2, 0\nmov %r0, 0\njslt %r1, %r2, yes\nexit\nyes:\nmov %r0, 1\nexit', 1n],
  ['jle on equal values', 'lddw %r1, 0x100000000\nlddw %r2, 0x100000000\nmov %r0, 0\njle %r1, %r2, yes\nexit\nyes:\nmov %r0, 1\nexit', 1n],
  ['jge compares high halves first', 'lddw %r1, 0x100000000\nmov %r2, -2\nmov %r0, 0\njge %r1, %r2, yes\nexit\nyes:\nmov %r0, 1\nexit', 0n],
  ['jeq needs all 64 bits', 'lddw %r1, 0x100000000\nmov %r0, 0\njeq %r1, 0, yes\nexit\nyes:\nmov %r0, 1\nexit', 0n],
  ['jeq32 looks at the low half', 'lddw %r1, 0x100000000\nmov %r0, 0\njeq32 %r1, 0, yes\nexit\nyes:\nmov %r0, 1\nexit', 1n],
  ['jsgt32 is signed on 32 bits', 'mov32 %r1, 0x80000000\nmov %r0, 0\njsgt32 %r1, 0, yes\nexit\nyes:\nmov %r0, 1\nexit', 0n],
  ['jset tests the high half too', 'lddw %r1, 0x100000000\nlddw %r2, 0x300000000\nmov %r0, 0\njset %r1, %r2, yes\nexit\nyes:\nmov %r0, 1\nexit', 1n],
  ['jne imm sign-extends', 'mov %r1, -1\nmov %r0, 0\njne %r1, -1, yes\nexit\nyes:\nmov %r0, 1\nexit', 0n],
  ['ja32 jumps by imm', 'mov %r0, 1\nja32 skip\nmov %r0, 2\nskip:\nexit', 1n],
  ['backward loop sums 1..10', 'mov %r0, 0\nmov %r1, 10\nloop:\nadd %r0, %r1\nsub %r1, 1\njne %r1, 0, loop\nexit', 55n],
  // pairs the interpreter runs as one superinstruction, including jumps into their second half
  ['mov then add imm', 'lddw %r1, 0xffffffff\nmov %r0, %r1\nadd %r0, 1\nexit', 0x1_0000_0000n],
  ['mov then add register', 'lddw %r2, 0xffffffff\nmov %r3, 1\nmov %r0, %r2\nadd %r0, %r3\nexit', 0x1_0000_0000n],
  ['mov then add of itself', 'mov %r2, 3\nmov %r0, %r2\nadd %r0, %r0\nexit', 6n],
  ['jump into the second half of mov; add', 'mov %r0, 1\nmov %r1, 5\njeq %r1, 5, second\nmov %r0, %r1\nsecond:\nadd %r0, 7\nexit', 8n],
  ['fall into mov; add when not jumping', 'mov %r0, 1\nmov %r1, 4\njeq %r1, 5, second\nmov %r0, %r1\nsecond:\nadd %r0, 7\nexit', 11n],
  ['lsh 32; rsh 32 zero-extends', 'lddw %r0, 0xffffffff12345678\nlsh %r0, 32\nrsh %r0, 32\nexit', 0x1234_5678n],
  ['add then jne loops', 'mov %r0, 0\nmov %r1, 0\nloop:\nadd %r0, 3\nadd %r1, 1\njne %r1, 5, loop\nexit', 15n],
  ['add then jne compares 64 bits', 'lddw %r1, 0xffffffff\nmov %r0, 1\nadd %r1, 1\njne %r1, 0, out\nmov %r0, 2\nout:\nexit', 1n],
  ['bounds check mov; add; jgt register, taken', 'mov %r1, 10\nmov %r2, 12\nmov %r0, 1\nmov %r3, %r1\nadd %r3, 3\njgt %r3, %r2, out\nmov %r0, 2\nout:\nexit', 1n],
  ['bounds check mov; add; jgt register, not taken', 'mov %r1, 10\nmov %r2, 13\nmov %r0, 1\nmov %r3, %r1\nadd %r3, 3\njgt %r3, %r2, out\nmov %r0, %r3\nout:\nexit', 13n],
  ['mov; add; jgt imm carries into the high half', 'lddw %r1, 0xffffffff\nmov %r0, 1\nmov %r3, %r1\nadd %r3, 1\njgt %r3, 9, out\nmov %r0, 2\nout:\nexit', 1n],
  ['mov; add; jgt imm with a negative addend', 'mov %r1, 50\nmov %r0, 1\nmov %r3, %r1\nadd %r3, -48\njgt %r3, 9, out\nmov %r0, %r3\nout:\nexit', 2n],
  ['jump into the middle of mov; add; jgt', 'mov %r3, 20\nmov %r1, 0\nmov %r0, 1\njeq %r0, 1, mid\nmov %r3, %r1\nmid:\nadd %r3, 1\njgt %r3, 5, out\nmov %r0, 2\nout:\nexit', 1n],
  ['three movs in a row', 'mov %r1, 1\nmov %r2, 2\nmov %r3, 4\nmov %r4, %r1\nmov %r5, %r2\nmov %r0, %r3\nadd %r0, %r4\nadd %r0, %r5\nexit', 7n],
  ['two movs in a row', 'mov %r1, 1\nmov %r2, 2\nmov %r3, %r1\nmov %r0, %r2\nadd %r0, %r3\nexit', 3n],
  // memory
  ['stxdw/ldxdw through the stack', 'lddw %r1, 0x1122334455667788\nstxdw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit', 0x1122_3344_5566_7788n],
  ['stw stores a 32-bit imm, ldxw zero-extends', 'stw [%r10-4], -2\nldxw %r0, [%r10-4]\nexit', 0xffff_fffen],
  ['stdw sign-extends its imm', 'stdw [%r10-8], -2\nldxdw %r0, [%r10-8]\nexit', u64(-2n)],
  ['ldxb/ldxh read little-endian memory', 'ldxh %r0, [%r1+1]\nldxb %r2, [%r1]\nlsh %r0, 8\nor %r0, %r2\nexit', 0x03_0201n, [1, 2, 3, 4]],
  ['ldxsb sign-extends', 'ldxsb %r0, [%r1+1]\nexit', u64(-2n), [0, 0xfe]],
  ['ldxsh sign-extends', 'ldxsh %r0, [%r1]\nexit', u64(-0x7ffen), [0x02, 0x80]],
  ['ldxsw sign-extends', 'ldxsw %r0, [%r1]\nexit', u64(-1n), [0xff, 0xff, 0xff, 0xff]],
  ['stack pointer arithmetic reaches the same slot', 'mov %r1, %r10\nsub %r1, 16\nstdw [%r1], 7\nldxdw %r0, [%r10-16]\nexit', 7n],
  ['lock add', 'stdw [%r10-8], 5\nmov %r1, 3\nlock add [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit', 8n],
  ['lock fetch add returns the old value', 'stdw [%r10-8], 5\nmov %r1, 3\nlock fetch add [%r10-8], %r1\nmov %r0, %r1\nexit', 5n],
  ['lock add carries across halves', 'lddw %r1, 0xffffffff\nstxdw [%r10-8], %r1\nmov %r1, 1\nlock add [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit', 0x1_0000_0000n],
  ['lock xchg', 'stdw [%r10-8], 5\nmov %r1, 9\nlock xchg [%r10-8], %r1\nldxdw %r0, [%r10-8]\nadd %r0, %r1\nexit', 14n],
  ['lock cmpxchg swaps when r0 matches', 'stdw [%r10-8], 5\nmov %r0, 5\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1\nldxdw %r1, [%r10-8]\nlsh %r0, 8\nor %r0, %r1\nexit', 0x509n],
  ['lock cmpxchg32 leaves memory when r0 differs', 'stw [%r10-4], 5\nmov %r0, 6\nmov %r1, 9\nlock cmpxchg32 [%r10-4], %r1\nldxw %r1, [%r10-4]\nlsh %r0, 8\nor %r0, %r1\nexit', 0x505n],
  // calls
  ['local call gets a fresh frame and keeps r6', 'mov %r6, 1\nstdw [%r10-8], 3\ncall local f\nldxdw %r1, [%r10-8]\nadd %r0, %r1\nadd %r0, %r6\nexit\nf:\nstdw [%r10-8], 100\nmov %r6, 50\nldxdw %r0, [%r10-8]\nexit', 104n],
  ['callx calls the helper whose id is in a register', 'mov %r1, 8\ncall %r1\nadd %r0, 1\nexit', 1n],
];

describe.each(ENGINES.map((engine) => [engine.name, engine] as const))('%s', (_name, engine) => {
  it.each(CASES)('%s', (_case, source, expected, memory) => {
    const result = runWithMemory(engine, assemble(source), Uint8Array.from(memory ?? []));
    expect(result.r0).toBe(expected);
  });

  it('gives the same results when the verifier proved the accesses safe', () => {
    const program = assemble('ldxw %r0, [%r1+1]\nstxw [%r10-4], %r0\nldxh %r0, [%r10-3]\nexit');
    const memory = Uint8Array.of(1, 2, 3, 4, 5);
    const checked = runWithMemory(engine, program, memory);
    const runtime = new Runtime(program.maps, { writableInput: true });
    const executable = engine.load(program, runtime, { safeAccesses: new Set([0, 1, 2]) });
    expect(executable.run(runtime.space.setInput(memory), memory.length).r0).toBe(checked.r0);
    expect(checked.r0).toBe(0x0403n);
  });

  it('counts executed instructions', () => {
    const result = runWithMemory(engine, assemble('mov %r0, 0\nmov %r1, 3\nloop:\nsub %r1, 1\njne %r1, 0, loop\nexit'), new Uint8Array());
    expect(result.instructions).toBe(2 + 3 * 2 + 1);
    const fused = runWithMemory(engine, assemble('mov %r1, 0\nloop:\nadd %r1, 1\njne %r1, 3, loop\nmov %r0, %r1\nexit'), new Uint8Array());
    expect(fused.instructions).toBe(1 + 3 * 2 + 2);
  });
});
