// Structural checks every engine runs at load, before the verifier's proof: bad jumps, missing exit, r10 writes, uninitialised reads.
import { HELPERS, HelperId } from '../asm/helpers.js';
import { endsFlow, isFunctionReference, isGoto, isJump, isLocalCall, jumpTarget, namedFunction } from '../asm/control.js';
import { bySlot, checkFields, type Instruction, width } from '../asm/instruction.js';
import { AluOp, CALL, CALLX, CLASS_MASK, CallSrc, Class, EXIT, FRAME_POINTER, JmpOp, LDDW, MODE_MASK, Mode, OP_MASK, SOURCE_MASK } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import { InvalidProgram, UnknownHelper } from './errors.js';

/*
 * What preflight does NOT check: memory safety, pointer types, bounds of loops, helper
 * argument types. Engines check memory at run time and stop runaway loops with the
 * instruction budget; proving those statically is the verifier's job (src/verifier).
 */

const ALL_REGISTERS = 0x7ff;
/** Entry state of the program and of bpf_loop callbacks: r1 (context or index), r2 and r10. */
const ENTRY = (1 << 1) | (1 << 2) | (1 << FRAME_POINTER);
/** Entry state of a local sub-program: its five arguments and r10 (callers are not tracked). */
const SUBPROGRAM_ENTRY = 0b111110 | (1 << FRAME_POINTER);
const ARGUMENTS = 0b111110;

/** preflight throws InvalidProgram or UnknownHelper (naming insn #N) if `spec` is structurally unsound. */
export function preflight(spec: ProgramSpec): void {
  const slots = bySlot(spec.insns);
  if (slots.length === 0) throw new InvalidProgram(0, 'the program has no instructions');
  const flow = new Flow(slots.length);
  for (let slot = 0; slot < slots.length; slot++) {
    const insn = slots[slot];
    if (insn) checkInstruction(insn, slot, slots, flow);
  }
  const last = lastInstruction(slots);
  if (!endsFlow(last.insn)) {
    throw new InvalidProgram(last.slot, 'the last instruction must be exit or an unconditional jump (execution would fall off the end)');
  }
  checkInitialised(flow);
}

/** Step says where control goes after a slot, for the initialisation dataflow. */
const Step = {
  /** The next slot. */
  next: 0,
  exit: 1,
  /** A helper call or callx: the next slot, with r1..r5 clobbered and r0 set. */
  call: 2,
  /** A local call: the callee (target), then the next slot as after a helper call. */
  localCall: 3,
  /** An lddw of a function's address: that function starts (target), and the next slot. */
  reference: 4,
  /** ja: the target only. */
  goto: 5,
  /** A conditional jump: the target, then the next slot. */
  branch: 6,
} as const;

/**
 * Flow is what the initialisation dataflow needs of each slot, written by the structural pass that
 * decodes every instruction anyway, so that the dataflow's loop reads numbers instead of decoding
 * instructions again (preflight runs at every load, mostly in a fresh process, before V8 compiles it).
 */
class Flow {
  /** reads, writes: bit sets of the registers the slot's instruction reads and writes (calls: see Step). */
  readonly reads: Int32Array;
  readonly writes: Int32Array;
  /** step: a Step value; target: the jump target, callee or referenced function, else -1. */
  readonly step: Uint8Array;
  readonly target: Int32Array;
  /** width: 2 for lddw, else 1. */
  readonly width: Uint8Array;

  constructor(readonly slots: number) {
    this.reads = new Int32Array(slots);
    this.writes = new Int32Array(slots);
    this.step = new Uint8Array(slots);
    this.target = new Int32Array(slots).fill(-1);
    this.width = new Uint8Array(slots);
  }
}

function lastInstruction(slots: readonly (Instruction | undefined)[]): { insn: Instruction; slot: number } {
  let slot = slots.length - 1;
  while (!slots[slot]) slot--;
  return { insn: slots[slot] as Instruction, slot };
}

/** checkInstruction checks the instruction at `slot` and records its part of the dataflow in `flow`. */
function checkInstruction(insn: Instruction, slot: number, slots: readonly (Instruction | undefined)[], flow: Flow): void {
  const problem = checkFields(insn);
  if (problem) throw new InvalidProgram(slot, problem);
  const writes = writesOf(insn);
  if (writes & (1 << FRAME_POINTER)) throw new InvalidProgram(slot, 'r10 is the read-only frame pointer and cannot be written');
  if (insn.opcode === CALL && insn.src === CallSrc.HELPER && !HELPERS.has(insn.imm)) throw new UnknownHelper(slot, insn.imm);
  if (insn.opcode === CALL && insn.src === CallSrc.KFUNC) throw new InvalidProgram(slot, 'calls to kernel functions (kfuncs) are not supported');
  const jump = isJump(insn);
  const target = jump ? jumpTarget(insn, slot) : namedFunction(insn, slot);
  if (target !== undefined) checkTarget(target, slot, slots);
  flow.reads[slot] = readsOf(insn);
  flow.writes[slot] = writes;
  flow.width[slot] = width(insn);
  flow.target[slot] = target ?? -1;
  flow.step[slot] = stepOf(insn, jump);
}

/** stepOf is the Step of an instruction (`jump`: whether it is a jump). */
function stepOf(insn: Instruction, jump: boolean): number {
  if (insn.opcode === EXIT) return Step.exit;
  if (insn.opcode === CALL || insn.opcode === CALLX) return isLocalCall(insn) ? Step.localCall : Step.call;
  if (isFunctionReference(insn)) return Step.reference;
  if (jump) return isGoto(insn) ? Step.goto : Step.branch;
  return Step.next;
}

function checkTarget(target: number, slot: number, slots: readonly (Instruction | undefined)[]): void {
  if (target < 0 || target >= slots.length) {
    throw new InvalidProgram(slot, `jump target insn #${target} is outside the program (${slots.length} slots)`);
  }
  if (!slots[target]) throw new InvalidProgram(slot, `jump target insn #${target} is the second half of an lddw`);
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
function checkInitialised(flow: Flow): void {
  const state = new Int32Array(flow.slots).fill(-1);
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
    const regs = state[slot] as number;
    const missing = flow.reads[slot]! & ~regs & ALL_REGISTERS;
    if (missing) {
      const reg = 31 - Math.clz32(missing & -missing);
      throw new InvalidProgram(slot, `r${reg} is read before it is written on some path`);
    }
    const next = slot + flow.width[slot]!;
    const step = flow.step[slot]!;
    if (step === Step.exit) continue;
    if (step === Step.call || step === Step.localCall) {
      if (step === Step.localCall) enter(flow.target[slot]!, SUBPROGRAM_ENTRY);
      enter(next, (regs & ~ARGUMENTS) | 1);
      continue;
    }
    if (step === Step.reference) enter(flow.target[slot]!, ENTRY);
    const after = regs | flow.writes[slot]!;
    if (step === Step.goto || step === Step.branch) {
      enter(flow.target[slot]!, after);
      if (step === Step.goto) continue;
    }
    if (next < flow.slots) enter(next, after);
  }
}
