// Differential test: seeded random ALU and jump programs must give the same r0 on every engine.
import { describe, expect, it } from 'vitest';
import { type Instruction, lddwFrom } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { runWithMemory } from '../../src/vm/conformance.js';
import { ENGINES } from '../../src/vm/engines.js';

/** Random is a small seeded generator so every failure reproduces from its seed. */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (Math.imul(this.state ^ (this.state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return this.state >>> 0;
  }
  below(n: number): number {
    return this.next() % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

const EDGE_IMMS = [0, 1, -1, 2, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0xffff, 0x8000, -48];
const ALU_OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0];
const JUMP_OPS = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0];
const REGS = 6;

function randomValue(random: Random): bigint {
  if (random.below(3) === 0) return BigInt(random.pick(EDGE_IMMS));
  return (BigInt(random.next()) << 32n) | BigInt(random.next());
}

/** randomProgram builds straight-line ALU code over r0..r5 with forward conditional jumps, then folds every register into r0. */
function randomProgram(seed: number): ProgramSpec {
  const random = new Random(seed);
  const insns: Instruction[] = [];
  for (let r = 0; r < REGS; r++) insns.push(lddwFrom(r, randomValue(random)));
  const body = 24;
  const bodyStart = insns.length;
  for (let i = 0; i < body; i++) {
    const dst = random.below(REGS);
    const src = random.below(REGS);
    const imm = random.below(2) ? random.pick(EDGE_IMMS) : random.next() | 0;
    const kind = random.below(10);
    if (kind === 0) {
      // A forward jump over 1..3 ALU instructions (never past the body).
      const cls = random.below(2) ? 0x05 : 0x06;
      const byReg = random.below(2) ? 0x08 : 0;
      const offset = Math.min(1 + random.below(3), body - i - 1);
      insns.push({ opcode: cls | random.pick(JUMP_OPS) | byReg, dst, src: byReg ? src : 0, offset, imm: byReg ? 0 : imm });
    } else if (kind === 1) {
      const cls = random.below(2) ? 0x07 : 0x04;
      const swaps = cls === 0x07 ? [0xd7] : [0xd4, 0xdc];
      insns.push(random.below(2)
        ? { opcode: random.pick(swaps), dst, src: 0, offset: 0, imm: random.pick([16, 32, 64]) }
        : { opcode: cls | 0x80, dst, src: 0, offset: 0, imm: 0 });
    } else {
      const cls = random.below(3) ? 0x07 : 0x04;
      const op = random.pick(ALU_OPS);
      const byReg = random.below(2) ? 0x08 : 0;
      let offset = 0;
      if ((op === 0x30 || op === 0x90) && random.below(2)) offset = 1; // sdiv / smod
      if (op === 0xb0 && byReg && random.below(3) === 0) offset = random.pick(cls === 0x07 ? [8, 16, 32] : [8, 16]); // movsx
      insns.push({ opcode: cls | op | byReg, dst, src: byReg ? src : 0, offset, imm: byReg ? 0 : imm });
    }
  }
  expect(insns.length - bodyStart).toBe(body);
  for (let r = 1; r < REGS; r++) {
    insns.push({ opcode: 0x07 | 0x60, dst: 0, src: 0, offset: 0, imm: 7 }); // r0 <<= 7
    insns.push({ opcode: 0x07 | 0xa0 | 0x08, dst: 0, src: r, offset: 0, imm: 0 }); // r0 ^= r
  }
  insns.push({ opcode: 0x95, dst: 0, src: 0, offset: 0, imm: 0 });
  return { name: `random-${seed}`, section: 'test', insns, maps: [], license: 'GPL' };
}

/**
 * randomMemoryProgram stores random values to the stack and loads back from the stack and
 * the input at random offsets (some outside their region), folding the loads into r0.
 */
function randomMemoryProgram(seed: number): ProgramSpec {
  const random = new Random(seed);
  const insns: Instruction[] = [lddwFrom(0, randomValue(random)), lddwFrom(3, randomValue(random))];
  const sizes = [0x00, 0x08, 0x10, 0x18]; // w, h, b, dw
  for (let i = 0; i < 12; i++) {
    const size = random.pick(sizes);
    const kind = random.below(4);
    if (kind === 0) {
      insns.push({ opcode: 0x03 | 0x60 | size, dst: 10, src: 3, offset: -1 - random.below(520), imm: 0 }); // stx [r10 - k], r3
    } else if (kind === 1) {
      insns.push({ opcode: 0x02 | 0x60 | size, dst: 10, src: 0, offset: -1 - random.below(520), imm: random.next() | 0 }); // st [r10 - k], imm
    } else {
      const fromStack = kind === 2;
      const signed = size !== 0x18 && random.below(4) === 0;
      const offset = fromStack ? -1 - random.below(520) : random.below(20) - 2;
      insns.push({ opcode: 0x01 | (signed ? 0x80 : 0x60) | size, dst: 4, src: fromStack ? 10 : 1, offset, imm: 0 });
      insns.push({ opcode: 0x07 | 0x60, dst: 0, src: 0, offset: 0, imm: 5 }); // r0 <<= 5
      insns.push({ opcode: 0x07 | 0xa0 | 0x08, dst: 0, src: 4, offset: 0, imm: 0 }); // r0 ^= r4
    }
  }
  insns.push({ opcode: 0x95, dst: 0, src: 0, offset: 0, imm: 0 });
  return { name: `memory-${seed}`, section: 'test', insns, maps: [], license: 'GPL' };
}

/** outcome is r0 in hex, or the error's class and message (which names the faulting instruction). */
function outcome(run: () => bigint): string {
  try {
    return `r0=0x${run().toString(16)}`;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe.skipIf(ENGINES.length < 2)('engines agree on random programs', () => {
  it('agree on loads and stores, faults included, for 300 seeded programs', () => {
    const memory = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 ^ (i * 37));
    const disagreements: string[] = [];
    let faults = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const program = randomMemoryProgram(seed);
      const results = ENGINES.map((engine) => outcome(() => runWithMemory(engine, program, memory, { writableInput: false }).r0));
      if (!results[0]!.startsWith('r0=')) faults++;
      if (results.some((r) => r !== results[0])) disagreements.push(`seed ${seed}: ${results.join(' | ')}`);
    }
    expect(disagreements).toEqual([]);
    // The generator must exercise both outcomes.
    expect(faults).toBeGreaterThan(30);
    expect(faults).toBeLessThan(270);
  });

  it('gives the same r0 on every engine for 400 seeded programs', () => {
    const disagreements: string[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const program = randomProgram(seed);
      const results = ENGINES.map((engine) => runWithMemory(engine, program, new Uint8Array()).r0);
      if (results.some((r) => r !== results[0])) {
        disagreements.push(`seed ${seed}: ${ENGINES.map((e, i) => `${e.name}=0x${results[i]!.toString(16)}`).join(' ')}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
