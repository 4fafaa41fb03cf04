// The code generator's own check that every instruction it emitted can run (no dead code reaches a verifier).
import { bySlot, type Instruction } from '../asm/instruction.js';
import { CALL, CLASS_MASK, CallSrc, Class, EXIT, JmpOp, LDDW, OP_MASK, PseudoSrc } from '../asm/opcodes.js';

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
  const cls = insn.opcode & CLASS_MASK;
  const op = insn.opcode & OP_MASK;
  const isJump = (cls === Class.JMP || cls === Class.JMP32) && op !== JmpOp.CALL && op !== JmpOp.EXIT;
  const fallThrough = slot + (insn.opcode === LDDW ? 2 : 1);
  if (isJump && op === JmpOp.JA) return [slot + 1 + (cls === Class.JMP32 ? insn.imm : insn.offset)];
  if (isJump) return [fallThrough, slot + 1 + insn.offset];
  const callsOut = (insn.opcode === CALL && insn.src === CallSrc.LOCAL) || (insn.opcode === LDDW && insn.src === PseudoSrc.FUNC);
  return callsOut ? [fallThrough, slot + insn.imm + 1] : [fallThrough];
}
