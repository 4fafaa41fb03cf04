// Where an instruction sends control, counted in slots: jumps (ja32 keeps its distance in imm), local calls, function references.
import type { Instruction } from './instruction.js';
import { CALL, CLASS_MASK, CallSrc, Class, EXIT, JmpOp, LDDW, OP_MASK, PseudoSrc } from './opcodes.js';

/** isJump says whether an instruction moves control inside its function: ja, ja32 or a conditional jump (not call, callx, exit). */
export function isJump(insn: Instruction): boolean {
  const cls = insn.opcode & CLASS_MASK;
  if (cls !== Class.JMP && cls !== Class.JMP32) return false;
  const op = insn.opcode & OP_MASK;
  return op !== JmpOp.CALL && op !== JmpOp.EXIT;
}

/** isGoto says whether an instruction is an unconditional jump (ja or ja32). */
export function isGoto(insn: Instruction): boolean {
  return isJump(insn) && (insn.opcode & OP_MASK) === JmpOp.JA;
}

/** isConditionalJump says whether an instruction is a two-way jump. */
export function isConditionalJump(insn: Instruction): boolean {
  return isJump(insn) && (insn.opcode & OP_MASK) !== JmpOp.JA;
}

/** endsFlow says whether control never falls through to the next slot: exit or an unconditional jump. */
export function endsFlow(insn: Instruction): boolean {
  return insn.opcode === EXIT || isGoto(insn);
}

/** jumpTarget returns the slot a jump goes to when taken: its distance counts from the next slot (for `isJump` instructions). */
export function jumpTarget(insn: Instruction, slot: number): number {
  return slot + 1 + jumpDistance(insn);
}

/** isLocalCall says whether an instruction calls a sub-program of the same program (`call` with src 1). */
export function isLocalCall(insn: Instruction): boolean {
  return insn.opcode === CALL && insn.src === CallSrc.LOCAL;
}

/** isFunctionReference says whether an instruction loads a sub-program's address (`lddw` FUNC, for bpf_loop callbacks). */
export function isFunctionReference(insn: Instruction): boolean {
  return insn.opcode === LDDW && insn.src === PseudoSrc.FUNC;
}

/** namedFunction returns the entry slot of the sub-program a local call or function reference names, else undefined. */
export function namedFunction(insn: Instruction, slot: number): number | undefined {
  return isLocalCall(insn) || isFunctionReference(insn) ? slot + 1 + insn.imm : undefined;
}

/** relativeTarget returns the distance from the next slot that a jump, local call or function reference names, else undefined. */
export function relativeTarget(insn: Instruction): number | undefined {
  if (isJump(insn)) return jumpDistance(insn);
  return isLocalCall(insn) || isFunctionReference(insn) ? insn.imm : undefined;
}

function jumpDistance(insn: Instruction): number {
  return insn.opcode === (Class.JMP32 | JmpOp.JA) ? insn.imm : insn.offset;
}
