// Every bpf_conformance program is safe for the memory it is given, so the verifier must accept it
// with memoryContext(length) and prove each of its memory accesses in bounds.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { CLASS_MASK, Class } from '../../src/asm/opcodes.js';
import { bySlot } from '../../src/asm/instruction.js';
import { parseConformance, programOf } from '../../src/vm/conformance.js';
import { VerifierError, memoryContext, verify } from '../../src/verifier/index.js';

const DIR = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));
const available = existsSync(DIR);
if (!available) console.log(`skipping the verifier's conformance check: ${DIR} is missing`);

const MEMORY_CLASSES = new Set<number>([Class.LDX, Class.ST, Class.STX]);

describe.skipIf(!available)('verifier on the bpf_conformance suite', () => {
  const files = available ? readdirSync(DIR).filter((f) => f.endsWith('.data')).sort() : [];

  test('accepts every positive program and proves its memory accesses', () => {
    const refused: string[] = [];
    let proven = 0;
    for (const file of files) {
      const test = parseConformance(readFileSync(DIR + file, 'utf8'), file);
      const program = programOf(test);
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
        refused.push(`${file}: ${e.message.split('\n')[0]}`);
      }
    }
    expect(refused).toEqual([]);
    expect(proven).toBeGreaterThan(100);
  });

  test('refuses the negative program that reads an uninitialised register', () => {
    const file = 'negative/error.data';
    const test = parseConformance(readFileSync(DIR + file, 'utf8'), file);
    expect(() => verify(programOf(test), { context: memoryContext(0) })).toThrow(/R0 !read_ok/);
  });
});
