// Seeded random round trip: every valid instruction (random fields) prints and assembles back to itself.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { disassemble, formatInstruction } from '../../src/asm/disassembler.js';
import { type Instruction, checkFields, decode, decodeReadOnly, encode } from '../../src/asm/instruction.js';
import { LDDW } from '../../src/asm/opcodes.js';

/** xorshift32 is a small deterministic generator, so a failure reproduces from the seed. */
function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** interesting picks values that stress printing: 0, ±1, extremes, or random bits. */
function interesting(next: () => number, bits: 16 | 32): number {
  const edge = [0, 1, -1, 2 ** (bits - 1) - 1, -(2 ** (bits - 1)), 8, 16, 32, 64];
  const pick = next() % 4 === 0 ? edge[next() % edge.length]! : next();
  return bits === 16 ? (pick << 16) >> 16 : pick | 0;
}

/** randomValidInstructions draws instructions with random fields and keeps those checkFields accepts. */
function randomValidInstructions(seed: number, count: number): Instruction[] {
  const next = xorshift32(seed);
  const out: Instruction[] = [];
  while (out.length < count) {
    const opcode = next() & 0xff;
    const insn: Instruction = {
      opcode,
      dst: next() % 11,
      src: next() % 4 === 0 ? next() % 11 : 0,
      offset: next() % 3 === 0 ? interesting(next, 16) : 0,
      imm: next() % 3 === 0 ? 0 : interesting(next, 32),
      ...(opcode === LDDW ? { imm2: interesting(next, 32), src: next() % 7 } : {}),
    };
    if (checkFields(insn) === undefined) out.push(insn);
  }
  return out;
}

describe('random instruction round trip', () => {
  const insns = randomValidInstructions(0x5eed, 4000);

  it('draws a varied sample', () => {
    expect(new Set(insns.map((i) => i.opcode)).size).toBeGreaterThan(100);
  });

  it('assembles formatInstruction of each instruction back to the same fields', () => {
    for (const insn of insns) {
      const text = formatInstruction(insn);
      const [back] = assemble(text).insns;
      expect({ text, insn: back }).toEqual({ text, insn });
    }
  });

  it('assembles a whole random listing, with labels, back to the same instructions', () => {
    expect(assemble(disassemble(insns, { labels: true })).insns).toEqual(insns);
  });

  it('encodes and decodes back to the same instructions, and decodeReadOnly\'s list encodes to the bytes it was read from', () => {
    const bytes = encode(insns);
    expect(decode(bytes)).toEqual(insns);
    const program = decodeReadOnly(bytes);
    expect(program).toEqual(insns);
    expect(Object.isFrozen(program)).toBe(true);
    // The kept bytes are a copy both ways: changing the bytes read, or the bytes encode gave, changes no later encode.
    bytes[0] ^= 0xff;
    encode(program)[8] ^= 0xff;
    expect(encode(program)).toEqual(encode([...program]));
    // The same bytes again, in another array, give the same list without decoding; other bytes another list.
    expect(decodeReadOnly(encode(insns))).toBe(decodeReadOnly(encode(insns)));
    expect(decodeReadOnly(encode(insns.slice(1)))).not.toBe(decodeReadOnly(encode(insns)));
    expect(decodeReadOnly(encode(insns.slice(1)))).toEqual(insns.slice(1));
  });
});
