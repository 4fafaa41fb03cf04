// Soundness by mutation: programs get one memory offset nudged; whatever the verifier still accepts
// must run without an out-of-bounds or read-only fault in the interpreter (which checks every access).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Instruction } from '../../src/asm/instruction.js';
import { CLASS_MASK, Class } from '../../src/asm/opcodes.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { parseConformance, programOf, runWithMemory } from '../../src/vm/conformance.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { VerifierError, memoryContext, verify } from '../../src/verifier/index.js';
import { fuzzRuntime, observe } from '../../src/fuzz/differential.js';
import { generateProgram } from '../../src/fuzz/generator.js';
import { conformanceDir } from '../../src/util/paths.js';

const MEMORY = new Set<number>([Class.LDX, Class.ST, Class.STX]);
const DELTAS = [-16, -8, -4, -1, 1, 2, 4, 8, 16, 64];
const FAULT = /OutOfBoundsAccess|WriteToReadOnly/;

/** mutants returns `spec` with the offset of one memory instruction moved, for every such instruction and delta. */
function* mutants(spec: ProgramSpec): Generator<ProgramSpec> {
  for (let index = 0; index < spec.insns.length; index++) {
    const insn = spec.insns[index]!;
    if (!MEMORY.has(insn.opcode & CLASS_MASK)) continue;
    for (const delta of DELTAS) {
      const moved: Instruction = { ...insn, offset: insn.offset + delta };
      yield { ...spec, insns: spec.insns.map((x, i) => (i === index ? moved : x)) };
    }
  }
}

function accepts(spec: ProgramSpec, length: number): boolean {
  try {
    verify(spec, { context: memoryContext(length) });
    return true;
  } catch (e) {
    if (e instanceof VerifierError) return false;
    throw e;
  }
}

const DIR = `${conformanceDir()}/`;
const hasSuite = existsSync(DIR);
if (!hasSuite) console.log(`skipping conformance mutants: ${DIR} is missing`);

describe('verifier soundness against the interpreter', () => {
  test.skipIf(!hasSuite)('no accepted mutant of a conformance program faults', () => {
    const interpreter = new Interpreter();
    const faults: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.data'))) {
      const test = parseConformance(readFileSync(DIR + file, 'utf8'), file);
      for (const mutant of mutants(programOf(test))) {
        if (!accepts(mutant, test.memory.length)) {
          refused++;
          continue;
        }
        accepted++;
        try {
          runWithMemory(interpreter, mutant, test.memory);
        } catch (e) {
          if (e instanceof Error && FAULT.test(e.name)) faults.push(`${file}: ${e.message}`);
        }
      }
    }
    expect(faults).toEqual([]);
    // Both verdicts occur: the mutations are neither all harmless nor all fatal.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  test('no accepted mutant of a generated program faults', () => {
    const interpreter = new Interpreter();
    const runtime = fuzzRuntime();
    const faults: string[] = [];
    for (let seed = 0; seed < 300; seed++) {
      const spec = generateProgram(seed);
      const all = [...mutants(spec)];
      const mutant = all[seed % Math.max(all.length, 1)];
      if (!mutant || !accepts(mutant, 0)) continue;
      const outcome = observe(interpreter, mutant, runtime);
      if ('error' in outcome && FAULT.test(outcome.error)) faults.push(`seed ${seed}: ${outcome.error}`);
    }
    expect(faults).toEqual([]);
  });
});
