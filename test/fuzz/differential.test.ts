// Differential test: 10,000 random safe programs give identical results on the interpreter and the JIT.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { bySlot } from '../../src/asm/instruction.js';
import { AluOp, CALL, Class, CLASS_MASK, Mode, MODE_MASK, OP_MASK } from '../../src/asm/opcodes.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { jitEngine } from '../../src/vm/jit/engine.js';
import { allMemoryAccesses, difference, fuzzRuntime, observe } from '../../src/fuzz/differential.js';
import { generateProgram } from '../../src/fuzz/generator.js';

// One wasm module per program: compile functions when first called (see bench/fuzz.ts).
setFlagsFromString('--wasm-lazy-compilation');

const PROGRAMS = 10_000;

describe('random programs, interpreter vs JIT', () => {
  it('generates the same program for the same seed and different ones for different seeds', () => {
    expect(generateProgram(42)).toEqual(generateProgram(42));
    expect(generateProgram(42).insns).not.toEqual(generateProgram(43).insns);
  });

  it('covers the instruction kinds it promises', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      for (const insn of bySlot(generateProgram(seed).insns)) {
        if (!insn) continue;
        const cls = insn.opcode & CLASS_MASK;
        if (cls === Class.ALU || cls === Class.ALU64) seen.add(`alu${cls}:${insn.opcode & OP_MASK}`);
        else if (insn.opcode === CALL) seen.add(`call${insn.src}:${insn.imm}`);
        else if (cls === Class.STX && (insn.opcode & MODE_MASK) === Mode.ATOMIC) seen.add(`atomic:${insn.imm}`);
        else seen.add(`class${cls}`);
      }
    }
    for (const op of Object.values(AluOp)) expect(seen, `ALU64 op 0x${op.toString(16)}`).toContain(`alu${Class.ALU64}:${op}`);
    for (const op of Object.values(AluOp)) expect(seen, `ALU op 0x${op.toString(16)}`).toContain(`alu${Class.ALU}:${op}`);
    expect(seen).toContain('call0:1'); // map_lookup_elem
    expect(seen).toContain('call0:2'); // map_update_elem
    expect(seen).toContain('call0:181'); // bpf_loop
    expect([...seen].some((k) => k.startsWith('call1:'))).toBe(true); // local calls
    expect([...seen].filter((k) => k.startsWith('atomic:')).length).toBe(10);
    for (const cls of [Class.LD, Class.LDX, Class.ST, Class.JMP, Class.JMP32]) expect(seen).toContain(`class${cls}`);
  });

  it(`agrees on r0, instruction count, stack and maps for ${PROGRAMS} programs`, () => {
    const interpreter = new Interpreter();
    const runtimes = [fuzzRuntime(), fuzzRuntime()];
    const failures: string[] = [];
    let ran = 0;
    for (let seed = 1; seed <= PROGRAMS; seed++) {
      const spec = generateProgram(seed);
      const reference = observe(interpreter, spec, runtimes[0]!);
      if (!('error' in reference)) ran++;
      // Even seeds check every access at run time; odd seeds pass every access as proven safe.
      const facts = seed % 2 === 0 ? undefined : allMemoryAccesses(spec);
      const why = difference(reference, observe(jitEngine, spec, runtimes[1]!, facts));
      if (why !== undefined && failures.length < 10) failures.push(`seed ${seed}: ${why}`);
    }
    expect(failures).toEqual([]);
    // Safe by construction: every program must load and run to its exit.
    expect(ran).toBe(PROGRAMS);
  }, 180_000); // about 40 s on 2 busy cores; the timeout only guards against a much slower machine
});
