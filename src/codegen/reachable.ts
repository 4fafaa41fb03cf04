// The code generator's own check that every instruction it emitted can run (no dead code reaches a verifier).
import { isGoto, isJump, jumpTarget, namedFunction } from '../asm/control.js';
import { bySlot, type Instruction, width } from '../asm/instruction.js';
import { EXIT } from '../asm/opcodes.js';

/**
 * firstUnreachableSlot returns the slot of the first instruction no path from the entry (or from a
 * called or referenced sub-function) reaches, or undefined when every instruction is reachable.
 * The Linux verifier and Sluice's refuse a program with such an instruction.
 */
export function firstUnreachableSlot(insns: readonly Instruction[]): number | undefined {
  const slots = bySlot(insns);
  const seen = new Uint8Array(slots.length);
  const work = [0];
  seen[0] = 1;
  while (work.length > 0) {
    const slot = work.pop() as number;
    for (const next of nextSlots(slots[slot] as Instruction, slot)) {
      if (next >= 0 && next < slots.length && seen[next] === 0) {
        seen[next] = 1;
        work.push(next);
      }
    }
  }
  const index = slots.findIndex((insn, slot) => insn !== undefined && seen[slot] === 0);
  return index < 0 ? undefined : index;
}

function nextSlots(insn: Instruction, slot: number): number[] {
  if (insn.opcode === EXIT) return [];
  if (isGoto(insn)) return [jumpTarget(insn, slot)];
  const fallThrough = slot + width(insn);
  if (isJump(insn)) return [fallThrough, jumpTarget(insn, slot)];
  const callee = namedFunction(insn, slot);
  return callee === undefined ? [fallThrough] : [fallThrough, callee];
}
