// Every bpf_conformance program is safe for the memory it is given, so the verifier must accept it
// with memoryContext(length) and prove each of its memory accesses in bounds, except those that
// Linux refuses before looking at values (callx, constant shifts out of range, constant divisor 0):
// those must be refused at the same instruction with Linux's words.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { AluOp, CALLX, CLASS_MASK, Class, OP_MASK, SOURCE_MASK, Source } from '../../src/asm/opcodes.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { bySlot } from '../../src/asm/instruction.js';
import { parseConformance, programOf } from '../../src/vm/conformance.js';
import { VerifierError, memoryContext, verify } from '../../src/verifier/index.js';
import { conformanceDir } from '../../src/util/paths.js';

const DIR = `${conformanceDir()}/`;
const available = existsSync(DIR);
if (!available) console.log(`skipping the verifier's conformance check: ${DIR} is missing`);

const MEMORY_CLASSES = new Set<number>([Class.LDX, Class.ST, Class.STX]);

/** linuxRefusal is the first instruction Linux refuses whatever the values, as `insn #N: reason`, if any. */
function linuxRefusal(program: ProgramSpec): string | undefined {
  for (const [slot, insn] of bySlot(program.insns).entries()) {
    if (!insn) continue;
    if (insn.opcode === CALLX) return `insn #${slot}: unknown opcode 8d`;
    const cls = insn.opcode & CLASS_MASK;
    if ((cls !== Class.ALU && cls !== Class.ALU64) || (insn.opcode & SOURCE_MASK) !== Source.K) continue;
    const op = insn.opcode & OP_MASK;
    if ((op === AluOp.DIV || op === AluOp.MOD) && insn.imm === 0) return `insn #${slot}: div by zero`;
    const width = cls === Class.ALU64 ? 64 : 32;
    if ((op === AluOp.LSH || op === AluOp.RSH || op === AluOp.ARSH) && (insn.imm < 0 || insn.imm >= width)) return `insn #${slot}: invalid shift ${insn.imm}`;
  }
  return undefined;
}

describe.skipIf(!available)('verifier on the bpf_conformance suite', () => {
  const files = available ? readdirSync(DIR).filter((f) => f.endsWith('.data')).sort() : [];

  test('accepts every positive program and proves its memory accesses', () => {
    const refused: string[] = [];
    const linuxRefuses: string[] = [];
    let proven = 0;
    for (const file of files) {
      const test = parseConformance(readFileSync(DIR + file, 'utf8'), file);
      const program = programOf(test);
      const linux = linuxRefusal(program);
      if (linux) linuxRefuses.push(`${file}: ${linux}`);
      try {
        const result = verify(program, { context: memoryContext(test.memory.length) });
        bySlot(program.insns).forEach((insn, slot) => {
          if (insn && MEMORY_CLASSES.has(insn.opcode & CLASS_MASK)) {
            expect(result.safeAccesses.has(slot), `${file} insn #${slot}`).toBe(true);
            proven++;
          }
        });
      } catch (e) {
        if (!(e instanceof VerifierError)) throw e;
        refused.push(`${file}: insn #${e.insn}: ${e.reason}`);
      }
    }
    expect(refused).toEqual(linuxRefuses);
    // The suite has a dozen such programs (callx, shifts by -60 .. 124); the rest must all pass.
    expect(linuxRefuses.length).toBeLessThan(files.length / 10);
    expect(proven).toBeGreaterThan(100);
  });

  test('refuses the negative program that reads an uninitialised register', () => {
    const file = 'negative/error.data';
    const test = parseConformance(readFileSync(DIR + file, 'utf8'), file);
    expect(() => verify(programOf(test), { context: memoryContext(0) })).toThrow(/R0 !read_ok/);
  });
});
