// Structural checks every engine runs at load, before the verifier's proof: bad jumps, missing exit, r10 writes, uninitialised reads.
import { HELPERS, HelperId } from '../asm/helpers.js';
import { checkFields, type Instruction } from '../asm/instruction.js';
import { AluOp, CALL, CALLX, CLASS_MASK, CallSrc, Class, EXIT, JmpOp, LDDW, MODE_MASK, Mode, OP_MASK, PseudoSrc, SOURCE_MASK } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import { InvalidProgram, UnknownHelper } from './errors.js';

/*
 * What preflight does NOT check: memory safety, pointer types, bounds of loops, helper
 * argument types. Engines check memory at run time and stop runaway loops with the
 * instruction budget; proving those statically is the verifier's job (src/verifier).
 */

const R10 = 10;
const ALL_REGISTERS = 0x7ff;
/** Entry state of the program and of bpf_loop callbacks: r1 (context or index), r2 and r10. */
const ENTRY = (1 << 1) | (1 << 2) | (1 << R10);
/** Entry state of a local sub-program: its five arguments and r10 (callers are not tracked). */
const SUBPROGRAM_ENTRY = 0b111110 | (1 << R10);
const ARGUMENTS = 0b111110;

/** preflight throws InvalidProgram or UnknownHelper (naming insn #N) if `spec` is structurally unsound. */
export function preflight(spec: ProgramSpec): void {
  const bySlot = slotTable(spec.insns);
  const slots = bySlot.length;
  if (slots === 0) throw new InvalidProgram(0, 'the program has no instructions');
  for (let slot = 0; slot < slots; slot++) {
    const insn = bySlot[slot];
    if (insn) checkInstruction(insn, slot, bySlot);
  }
  const last = lastInstruction(bySlot);
  if (!isUnconditionalEnd(last.insn)) {
    throw new InvalidProgram(last.slot, 'the last instruction must be exit or an unconditional jump (execution would fall off the end)');
  }
  checkInitialised(bySlot);
}

function slotTable(insns: readonly Instruction[]): (Instruction | undefined)[] {
  const out: (Instruction | undefined)[] = [];
  for (const insn of insns) {
    out.push(insn);
    if (insn.opcode === LDDW) out.push(undefined);
  }
  return out;
}

function lastInstruction(bySlot: readonly (Instruction | undefined)[]): { insn: Instruction; slot: number } {
  let slot = bySlot.length - 1;
  while (!bySlot[slot]) slot--;
  return { insn: bySlot[slot] as Instruction, slot };
}

function isUnconditionalEnd(insn: Instruction): boolean {
  return insn.opcode === EXIT || ((insn.opcode & OP_MASK) === JmpOp.JA && isJumpClass(insn.opcode));
}

function isJumpClass(opcode: number): boolean {
  const cls = opcode & CLASS_MASK;
  return cls === Class.JMP || cls === Class.JMP32;
}

function checkInstruction(insn: Instruction, slot: number, bySlot: readonly (Instruction | undefined)[]): void {
  const problem = checkFields(insn);
  if (problem) throw new InvalidProgram(slot, problem);
  if (writesOf(insn) & (1 << R10)) throw new InvalidProgram(slot, 'r10 is the read-only frame pointer and cannot be written');
  if (insn.opcode === CALL && insn.src === CallSrc.HELPER && !HELPERS.has(insn.imm)) throw new UnknownHelper(slot, insn.imm);
  if (insn.opcode === CALL && insn.src === CallSrc.KFUNC) throw new InvalidProgram(slot, 'calls to kernel functions (kfuncs) are not supported');
  const target = targetOf(insn, slot);
  if (target !== undefined) checkTarget(target, slot, bySlot);
}

/** targetOf returns the slot a jump, local call or function reference points to. */
function targetOf(insn: Instruction, slot: number): number | undefined {
  if (insn.opcode === LDDW) return insn.src === PseudoSrc.FUNC ? slot + 1 + insn.imm : undefined;
  if (!isJumpClass(insn.opcode) || insn.opcode === EXIT || insn.opcode === CALLX) return undefined;
  if (insn.opcode === CALL) return insn.src === CallSrc.LOCAL ? slot + 1 + insn.imm : undefined;
  if (insn.opcode === (Class.JMP32 | JmpOp.JA)) return slot + 1 + insn.imm;
  return slot + 1 + insn.offset;
}

function checkTarget(target: number, slot: number, bySlot: readonly (Instruction | undefined)[]): void {
  if (target < 0 || target >= bySlot.length) {
    throw new InvalidProgram(slot, `jump target insn #${target} is outside the program (${bySlot.length} slots)`);
  }
  if (!bySlot[target]) throw new InvalidProgram(slot, `jump target insn #${target} is the second half of an lddw`);
}

/** readsOf returns the bit set of registers an instruction reads (helper calls: their arguments). */
function readsOf(insn: Instruction): number {
  const { opcode, dst, src } = insn;
  const cls = opcode & CLASS_MASK;
  const byReg = (opcode & SOURCE_MASK) !== 0;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64: {
      const op = opcode & OP_MASK;
      if (op === AluOp.MOV) return byReg ? 1 << src : 0;
      if (op === AluOp.END || op === AluOp.NEG) return 1 << dst;
      return (1 << dst) | (byReg ? 1 << src : 0);
    }
    case Class.JMP:
    case Class.JMP32: {
      if (opcode === EXIT) return 1;
      if (opcode === CALLX) return 1 << dst;
      if (opcode === CALL) return insn.src === CallSrc.HELPER ? argumentsRead(insn.imm) : 0;
      if ((opcode & OP_MASK) === JmpOp.JA) return 0;
      return (1 << dst) | (byReg ? 1 << src : 0);
    }
    case Class.LDX:
      return 1 << src;
    case Class.ST:
      return 1 << dst;
    case Class.STX:
      if ((opcode & MODE_MASK) === Mode.ATOMIC && insn.imm === 0xf1) return (1 << dst) | (1 << src) | 1;
      return (1 << dst) | (1 << src);
    default:
      return 0;
  }
}

/**
 * argumentsRead is the bit set of r1..rN a helper reads. trace_printk's three value
 * arguments are optional (Linux leaves them unchecked), so it reads only r1 and r2.
 */
function argumentsRead(helperId: number): number {
  const count = helperId === HelperId.trace_printk ? 2 : (HELPERS.get(helperId)?.args.length ?? 0);
  return ARGUMENTS & ((2 << count) - 2);
}

/** writesOf returns the bit set of registers an instruction writes (calls excluded: see the dataflow). */
function writesOf(insn: Instruction): number {
  const { opcode, dst, src } = insn;
  const cls = opcode & CLASS_MASK;
  if (cls === Class.ALU || cls === Class.ALU64 || cls === Class.LDX || opcode === LDDW) return 1 << dst;
  if (cls === Class.STX && (opcode & MODE_MASK) === Mode.ATOMIC) {
    if (insn.imm === 0xf1) return 1; // cmpxchg loads the old value into r0
    return insn.imm & 0x01 ? 1 << src : 0;
  }
  return 0;
}

/**
 * checkInitialised runs a forward must-be-initialised dataflow over slots (a bit per
 * register, intersected where paths meet) from the entry, every local sub-program and
 * every bpf_loop callback, and refuses the first read of a register not written on every path.
 */
function checkInitialised(bySlot: readonly (Instruction | undefined)[]): void {
  const state = new Int32Array(bySlot.length).fill(-1);
  const work: number[] = [];
  const enter = (slot: number, regs: number) => {
    const merged = state[slot] === -1 ? regs : (state[slot] as number) & regs;
    if (merged !== state[slot]) {
      state[slot] = merged;
      work.push(slot);
    }
  };
  enter(0, ENTRY);
  while (work.length > 0) {
    const slot = work.pop() as number;
    const insn = bySlot[slot] as Instruction;
    const regs = state[slot] as number;
    const missing = readsOf(insn) & ~regs & ALL_REGISTERS;
    if (missing) {
      const reg = 31 - Math.clz32(missing & -missing);
      throw new InvalidProgram(slot, `r${reg} is read before it is written on some path`);
    }
    const next = slot + (insn.opcode === LDDW ? 2 : 1);
    if (insn.opcode === EXIT) continue;
    if (insn.opcode === CALL || insn.opcode === CALLX) {
      if (insn.opcode === CALL && insn.src === CallSrc.LOCAL) enter(slot + 1 + insn.imm, SUBPROGRAM_ENTRY);
      enter(next, (regs & ~ARGUMENTS) | 1);
      continue;
    }
    if (insn.opcode === LDDW && insn.src === PseudoSrc.FUNC) enter(slot + 1 + insn.imm, ENTRY);
    const after = regs | writesOf(insn);
    const target = targetOf(insn, slot);
    if (target !== undefined && insn.opcode !== LDDW) {
      enter(target, after);
      if ((insn.opcode & OP_MASK) === JmpOp.JA) continue;
    }
    if (next < bySlot.length) enter(next, after);
  }
}
