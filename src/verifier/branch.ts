// Conditional jumps: which way they can go, and what each way proves about scalars and pointers.
import type { Instruction } from '../asm/instruction.js';
import { CLASS_MASK, Class, JmpOp, OP_MASK, SOURCE_MASK, Source } from '../asm/opcodes.js';
import { MAX_PACKET_OFF } from './access.js';
import { immediateReg } from './alu.js';
import { refuse } from './env.js';
import { isConst, scalarConst, type Scalar } from './scalar.js';
import { branchTaken, negateJump, refine, swapJump } from './scalar-branch.js';
import { type Reg, type State, copyState, isPointer, regWith, scalarReg, writableStack } from './state.js';

/** Outcome is the state on each side of a conditional jump (undefined: that side cannot happen). */
export interface Outcome {
  readonly fall?: State;
  readonly taken?: State;
}

const ORDERING = new Set<number>([JmpOp.JGT, JmpOp.JGE, JmpOp.JLT, JmpOp.JLE]);

/** conditionalJump decides or splits a conditional jump; `state` itself becomes one of the outcomes. */
export function conditionalJump(state: State, insn: Instruction): Outcome {
  const regs = state.frames[state.frames.length - 1]!.regs;
  const is64 = (insn.opcode & CLASS_MASK) === Class.JMP;
  const op = insn.opcode & OP_MASK;
  const fromReg = (insn.opcode & SOURCE_MASK) === Source.X;
  const a = regs[insn.dst]!;
  const b = fromReg ? regs[insn.src]! : immediateReg(insn, true);
  if (a.type === 'not_init') refuse(`R${insn.dst} !read_ok`);
  if (b.type === 'not_init') refuse(`R${insn.src} !read_ok`);
  if (!isPointer(a) && !isPointer(b)) return scalarJump(state, insn, op, a, b, is64);
  const name = `R${isPointer(a) ? insn.dst : insn.src}`;
  if (!is64) refuse(`${name} pointer comparison prohibited in a 32-bit jump`);
  const [ptr, other] = isPointer(a) ? [a, b] : [b, a];
  if (!isPointer(other) && isConst(other.value) && other.value.umin === 0n && (op === JmpOp.JEQ || op === JmpOp.JNE)) {
    return nullCheck(state, ptr, op === JmpOp.JEQ);
  }
  if (isPointer(a) && isPointer(b) && ORDERING.has(op)) {
    if (a.type === 'pkt' && b.type === 'pkt_end') return packetCheck(state, a, op);
    if (a.type === 'pkt_end' && b.type === 'pkt') return packetCheck(state, b, swapJump(op));
    if (a.type === b.type && a.frame === b.frame && a.map === b.map && a.type !== 'map_value_or_null') {
      return { fall: state, taken: copyState(state) };
    }
  }
  return refuse(`${name} pointer comparison prohibited (${a.type} ${jumpName(op)} ${b.type})`);
}

function jumpName(op: number): string {
  const names: Record<number, string> = {
    [JmpOp.JEQ]: '==',
    [JmpOp.JNE]: '!=',
    [JmpOp.JGT]: '>',
    [JmpOp.JGE]: '>=',
    [JmpOp.JLT]: '<',
    [JmpOp.JLE]: '<=',
    [JmpOp.JSET]: '&',
  };
  return names[op] ?? 'signed compare';
}

function scalarJump(state: State, insn: Instruction, op: number, a: Reg, b: Reg, is64: boolean): Outcome {
  const decided = branchTaken(op, a.value, b.value, is64);
  if (decided === 1) return { taken: state };
  if (decided === 0) return { fall: state };
  const yes = refine(op, a.value, b.value, is64, true);
  const noOp = negateJump(op);
  const no = noOp === undefined ? refine(op, a.value, b.value, is64, false) : refine(noOp, a.value, b.value, is64, true);
  if (!yes) return no ? { fall: applyRefined(state, insn, a, b, no) } : {};
  if (!no) return { taken: applyRefined(state, insn, a, b, yes) };
  const taken = applyRefined(copyState(state), insn, a, b, yes);
  return { fall: applyRefined(state, insn, a, b, no), taken };
}

/** applyRefined gives a jump's operands (and the registers linked to them) their values on one way, and returns the state. */
function applyRefined(state: State, insn: Instruction, a: Reg, b: Reg, values: readonly [Scalar, Scalar]): State {
  setScalar(state, insn.dst, a, values[0]);
  if ((insn.opcode & SOURCE_MASK) === Source.X) setScalar(state, insn.src, b, values[1]);
  return state;
}

/** setScalar gives a register (and every register or spill linked to it) a refined value. */
function setScalar(state: State, regNo: number, old: Reg, value: Scalar): void {
  const frame = state.frames[state.frames.length - 1]!;
  if (old.id === 0 || isConst(value)) {
    const reg = scalarReg(value);
    frame.regs[regNo] = reg;
    if (old.id !== 0) replaceLinked(state, old.id, scalarTo, reg);
    return;
  }
  const refined = regWith(old, old.type, value, old.off, old.id, old.range);
  frame.regs[regNo] = refined;
  replaceLinked(state, old.id, scalarTo, refined);
}

/**
 * replaceLinked rewrites every register and spilled register with `id`, in every frame, to
 * `change(reg, arg)`. The change is a module function and its argument passed apart, not a
 * closure: the walk links registers at most branches, and a closure per call was garbage.
 */
function replaceLinked<T>(state: State, id: number, change: (r: Reg, arg: T) => Reg, arg: T): void {
  const frames = state.frames;
  for (let f = 0; f < frames.length; f++) {
    const frame = frames[f]!;
    for (let i = 0; i < frame.regs.length; i++) if (frame.regs[i]!.id === id) frame.regs[i] = change(frame.regs[i]!, arg);
    // The spills array is walked by index: a copy from writableStack keeps every index.
    const spills = frame.stack.spills;
    for (let s = 0; s < spills.length; s++) {
      const spilled = spills[s];
      if (!spilled || spilled.id !== id) continue;
      const changed = change(spilled, arg);
      if (changed !== spilled) writableStack(frame).spills[s] = changed;
    }
  }
}

/** scalarTo: a linked scalar becomes `to` (a pointer sharing the id is left alone). */
const scalarTo = (r: Reg, to: Reg): Reg => (r.type === 'scalar' ? to : r);
/** nonNull: a nullable map value becomes a map value (its id dropped). */
const nonNull = (r: Reg): Reg => (r.type === 'map_value_or_null' ? regWith(r, 'map_value', r.value, r.off, 0, r.range) : r);
/** nullScalar: a nullable map value becomes the scalar 0. */
const nullScalar = (r: Reg): Reg => (r.type === 'map_value_or_null' ? scalarReg(scalarConst(0n)) : r);
/** atLeastRange: a packet pointer gets at least `range` bytes proven. */
const atLeastRange = (r: Reg, range: number): Reg => (r.type === 'pkt' && r.range < range ? regWith(r, r.type, r.value, r.off, r.id, range) : r);

/**
 * NEVER_NULL lists the pointer types Linux's reg_not_null calls non-null (of those Sluice has): a
 * comparison of one with 0 is decided. Linux walks both sides for stack, packet, context and
 * func pointers, and so does Sluice.
 */
const NEVER_NULL = new Set(['map_value', 'mem', 'map_ptr']);

/**
 * neverNull says whether `ptr` cannot be 0 at run time in Sluice's address space. Every region
 * starts above the null guard (src/vm/memory.ts) and ends below 2^30, map handles are
 * 0xf0000000 + index, and a pointer's offset stays below 2^63: a pointer no lower than the start of
 * its region is never 0. One moved below its start may be (Linux's kernel addresses never are, so
 * Linux decides those too): both sides are walked.
 */
function neverNull(ptr: Reg): boolean {
  if (!NEVER_NULL.has(ptr.type)) return false;
  return BigInt(ptr.off) + ptr.value.smin >= 0n;
}

function nullCheck(state: State, ptr: Reg, isEq: boolean): Outcome {
  if (ptr.type !== 'map_value_or_null') {
    if (neverNull(ptr)) return isEq ? { fall: state } : { taken: state };
    return { fall: state, taken: copyState(state) };
  }
  const notNull = copyState(state);
  replaceLinked(notNull, ptr.id, nonNull, undefined);
  replaceLinked(state, ptr.id, nullScalar, undefined);
  return isEq ? { taken: state, fall: notNull } : { taken: notNull, fall: state };
}

/**
 * packetCheck handles `pkt op pkt_end`, as Linux's find_good_pkt_pointers does: on the side where
 * pkt <= pkt_end, every packet pointer sharing pkt's variable offset may access up to pkt's fixed
 * offset; where pkt < pkt_end, one byte more, except that Linux gives nothing for `pkt + 0 < pkt_end`.
 * A pointer that may lie past MAX_PACKET_OFF (fixed plus largest variable offset) proves nothing:
 * Linux's packet offsets are 16-bit, so an access through it is refused ("offset is outside of the packet").
 */
function packetCheck(state: State, pkt: Reg, op: number): Outcome {
  const taken = copyState(state);
  switch (op) {
    case JmpOp.JGT:
      return { taken, fall: within(state, pkt, false) };
    case JmpOp.JGE:
      return { taken, fall: within(state, pkt, true) };
    case JmpOp.JLT:
      return { taken: within(taken, pkt, true), fall: state };
    default:
      return { taken: within(taken, pkt, false), fall: state };
  }
}

/** within gives every packet pointer sharing `pkt`'s variable offset the range `pkt` proves on the way where it is in bounds. */
function within(s: State, pkt: Reg, rightOpen: boolean): State {
  if (pkt.off < 0 || (pkt.off === 0 && rightOpen)) return s;
  if (pkt.value.umax + BigInt(pkt.off) > BigInt(MAX_PACKET_OFF)) return s;
  replaceLinked(s, pkt.id, atLeastRange, rightOpen ? pkt.off + 1 : pkt.off);
  return s;
}
