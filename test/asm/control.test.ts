// Where each kind of instruction sends control, as every stage (verifier, engines, disassembler, ELF) asks src/asm/control.ts.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { endsFlow, isConditionalJump, isGoto, isJump, jumpTarget, namedFunction, relativeTarget } from '../../src/asm/control.js';
import { bySlot } from '../../src/asm/instruction.js';

// One program holding each kind once; the slot of each line is its index here (lddw takes two).
const SOURCE = `
start: goto four
gotol four
if r1 == 0 goto start
if w2 s> 5 goto five
four: call 1
five: call start
callx r2
r1 = 0 ll
exit
`;

describe('control facts', () => {
  const program = assemble(SOURCE);
  const slots = bySlot(program.insns);
  const at = (slot: number) => slots[slot]!;

  it('tells jumps, gotos and two-way jumps from calls and exit', () => {
    const kinds = [0, 1, 2, 3, 4, 5, 6, 7, 9].map((slot) => [isJump(at(slot)), isGoto(at(slot)), isConditionalJump(at(slot)), endsFlow(at(slot))]);
    expect(kinds).toEqual([
      [true, true, false, true], // ja
      [true, true, false, true], // gotol (ja32)
      [true, false, true, false], // jeq
      [true, false, true, false], // jmp32 jsgt
      [false, false, false, false], // helper call
      [false, false, false, false], // local call
      [false, false, false, false], // callx
      [false, false, false, false], // lddw
      [false, false, false, true], // exit
    ]);
  });

  it('counts jump distances from the next slot, ja32 from imm', () => {
    expect([0, 1, 2, 3].map((slot) => jumpTarget(at(slot), slot))).toEqual([4, 4, 0, 5]);
    expect([0, 1, 2, 3].map((slot) => relativeTarget(at(slot)))).toEqual([3, 2, -3, 1]);
  });

  it('names the function a local call enters, and nothing for helpers, callx or plain constants', () => {
    expect(namedFunction(at(5), 5)).toBe(0);
    expect([4, 6, 7, 9].map((slot) => namedFunction(at(slot), slot))).toEqual([undefined, undefined, undefined, undefined]);
  });
});
