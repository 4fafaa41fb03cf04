// Static data flow over the whole program: which registers may hold stack pointers, which are live, and which values can reach a safety decision (so pruning must compare them).
import { HELPERS, HelperId } from '../asm/helpers.js';
import type { Instruction } from '../asm/instruction.js';
import {
  AluOp,
  AtomicOp,
  CALL,
  Class,
  CLASS_MASK,
  EXIT,
  FRAME_POINTER,
  JmpOp,
  LDDW,
  Mode,
  MODE_MASK,
  OP_MASK,
  sizeBytes,
  Source,
  SOURCE_MASK,
} from '../asm/opcodes.js';
import { isConditionalJump, isLocalCall, namedFunction } from '../asm/control.js';
import { STACK_SIZE } from './state.js';
import { type Structure, successors } from './structure.js';

const bit = (r: number) => 1 << r;
const ARGS = 0b111110; // r1..r5
const SCRATCH = 0b111111; // r0..r5
const CALLEE_SAVED = 0b1111000000; // r6..r9
const FP = bit(FRAME_POINTER);

/**
 * Needs says, per slot (on entry to the instruction), which registers are live (read before
 * written on some path), which are needed (their value can flow into a branch, a memory address
 * or a helper argument), which stack slots of the current frame are needed (bit i = the 8 bytes
 * at fp-512+8i), and whether any stack byte of any frame may be needed (a load through a pointer
 * that may point at the stack). Scalars that are live but not needed cannot change any decision
 * the walk makes, so pruning ignores their values (Linux gets the same effect by tracking precision).
 */
export interface Needs {
  readonly live: Uint16Array;
  readonly need: Uint16Array;
  /** The needed stack slots as two 32-bit halves (slots 0-31, 32-63): the walk reads them per comparison, and a BigInt read allocates. */
  readonly needSlotsLow: Uint32Array;
  readonly needSlotsHigh: Uint32Array;
  readonly allStack: Uint8Array;
}

/** analyse computes Needs for a structurally valid program. */
export function analyse(structure: Structure): Needs {
  const mayStack = mayHoldStackPointer(structure);
  return liveAndNeeded(structure, mayStack.ms, mayStack.stackInMemory);
}

function mayHoldStackPointer(structure: Structure): { ms: Uint16Array; stackInMemory: boolean } {
  const { slots, entries, functionOf, callbacks } = structure;
  const n = slots.length;
  const ms = new Uint16Array(n);
  const exitR0 = new Uint16Array(entries.length);
  let stackInMemory = false;
  for (const e of entries) ms[e] = FP | (callbacks.has(e) ? ARGS : 0);
  let changed = true;
  const join = (slot: number, mask: number) => {
    if ((ms[slot]! | mask) !== ms[slot]) {
      ms[slot]! |= mask;
      changed = true;
    }
  };
  while (changed) {
    changed = false;
    for (let slot = 0; slot < n; slot++) {
      const insn = slots[slot];
      if (!insn) continue;
      const m = ms[slot]!;
      if (isLocalCall(insn)) {
        const target = namedFunction(insn, slot)!;
        const f = entries.indexOf(target);
        join(target, (m & ARGS) | FP);
        join(slot + 1, (m & (CALLEE_SAVED | FP)) | (exitR0[f]! & 1));
        continue;
      }
      if (insn.opcode === EXIT) {
        const f = functionOf[slot]!;
        if ((exitR0[f]! | (m & 1)) !== exitR0[f]) {
          exitR0[f]! |= m & 1;
          changed = true;
        }
        continue;
      }
      const cls = insn.opcode & CLASS_MASK;
      if (cls === Class.STX && (m & bit(insn.src)) !== 0 && !stackInMemory) {
        stackInMemory = true;
        changed = true;
      }
      const out = transferMayStack(insn, m, stackInMemory);
      for (const next of successors(insn, slot)) join(next, out);
    }
  }
  return { ms, stackInMemory };
}

function transferMayStack(insn: Instruction, m: number, stackInMemory: boolean): number {
  const { opcode, dst, src } = insn;
  const cls = opcode & CLASS_MASK;
  const set = (mask: number, r: number, on: boolean) => (on ? mask | bit(r) : mask & ~bit(r));
  switch (cls) {
    case Class.ALU64: {
      const op = opcode & OP_MASK;
      const fromReg = (opcode & SOURCE_MASK) === Source.X;
      if (op === AluOp.MOV) return set(m, dst, fromReg && insn.offset === 0 && (m & bit(src)) !== 0);
      return fromReg ? set(m, dst, (m & (bit(dst) | bit(src))) !== 0) : m;
    }
    case Class.ALU:
      return set(m, dst, false);
    case Class.LD:
      return set(m, dst, false);
    case Class.LDX:
      return set(m, dst, stackInMemory);
    case Class.STX:
      if ((opcode & MODE_MASK) !== Mode.ATOMIC) return m;
      if (insn.imm === AtomicOp.CMPXCHG) return set(m, 0, stackInMemory);
      return insn.imm & AtomicOp.FETCH ? set(m, src, stackInMemory) : m;
    case Class.JMP:
      return (opcode & OP_MASK) === JmpOp.CALL ? m & ~SCRATCH : m;
    default:
      return m;
  }
}

function slotsCovered(off: number, size: number): bigint {
  const first = Math.floor((off + STACK_SIZE) / 8);
  const last = Math.floor((off + size - 1 + STACK_SIZE) / 8);
  let mask = 0n;
  for (let s = Math.max(first, 0); s <= Math.min(last, 63); s++) mask |= 1n << BigInt(s);
  return mask;
}

function liveAndNeeded(structure: Structure, ms: Uint16Array, stackInMemory: boolean): Needs {
  const { slots, entries, functionOf, callbacks } = structure;
  const n = slots.length;
  const live = new Uint16Array(n);
  const need = new Uint16Array(n);
  const needSlots = new BigUint64Array(n);
  const allStack = new Uint8Array(n);
  const exitNeedsR0 = new Uint8Array(entries.length);
  for (const e of callbacks) exitNeedsR0[entries.indexOf(e)] = 1;
  let changed = true;
  while (changed) {
    changed = false;
    for (let slot = n - 1; slot >= 0; slot--) {
      const insn = slots[slot];
      if (!insn) continue;
      let l = 0;
      let nd = 0;
      let ns = 0n;
      let all = 0;
      if (insn.opcode === EXIT) {
        l = 1;
        nd = exitNeedsR0[functionOf[slot]!]!;
      } else if (isLocalCall(insn)) {
        const target = namedFunction(insn, slot)!;
        const ret = slot + 1;
        l = (live[ret]! & ~SCRATCH) | (live[target]! & ARGS);
        nd = (need[ret]! & ~SCRATCH) | (need[target]! & ARGS);
        ns = needSlots[ret]!;
        all = allStack[ret]! | allStack[target]!;
        const f = functionOf[target]!;
        if (need[ret]! & 1 && !exitNeedsR0[f]) {
          exitNeedsR0[f] = 1;
          changed = true;
        }
      } else {
        for (const next of successors(insn, slot)) {
          l |= live[next]!;
          nd |= need[next]!;
          ns |= needSlots[next]!;
          all |= allStack[next]!;
        }
        const r = transferNeeds(insn, { live: l, need: nd, slots: ns, all }, (ms[slot]! & bit(insn.dst)) !== 0, stackInMemory, ms[slot]!);
        l = r.live;
        nd = r.need;
        ns = r.slots;
        all = r.all;
      }
      if (l !== live[slot] || nd !== need[slot] || ns !== needSlots[slot] || all !== allStack[slot]) {
        live[slot] = l;
        need[slot] = nd;
        needSlots[slot] = ns;
        allStack[slot] = all;
        changed = true;
      }
    }
  }
  const needSlotsLow = new Uint32Array(n);
  const needSlotsHigh = new Uint32Array(n);
  for (let slot = 0; slot < n; slot++) {
    needSlotsLow[slot] = Number(needSlots[slot]! & 0xffffffffn);
    needSlotsHigh[slot] = Number(needSlots[slot]! >> 32n);
  }
  return { live, need, needSlotsLow, needSlotsHigh, allStack };
}

interface Flow {
  live: number;
  need: number;
  slots: bigint;
  all: number;
}

function transferNeeds(insn: Instruction, out: Flow, dstMayBeStack: boolean, stackInMemory: boolean, ms: number): Flow {
  const { opcode, dst, src, offset } = insn;
  const cls = opcode & CLASS_MASK;
  let { live, need, slots, all } = out;
  const d = bit(dst);
  const s = bit(src);
  switch (cls) {
    case Class.ALU:
    case Class.ALU64: {
      const op = opcode & OP_MASK;
      const fromReg = (opcode & SOURCE_MASK) === Source.X;
      if (op === AluOp.MOV) {
        const wasNeeded = (need & d) !== 0;
        live &= ~d;
        need &= ~d;
        if (fromReg) {
          live |= s;
          if (wasNeeded) need |= s;
        }
        return { live, need, slots, all };
      }
      live |= d | (fromReg ? s : 0);
      if (fromReg && need & d) need |= s;
      return { live, need, slots, all };
    }
    case Class.LD:
      if (opcode === LDDW) return { live: live & ~d, need: need & ~d, slots, all };
      return out;
    case Class.LDX: {
      const wasNeeded = (need & d) !== 0;
      live = (live & ~d) | s;
      need = (need & ~d) | s;
      if (wasNeeded && src === FRAME_POINTER) slots |= slotsCovered(offset, sizeBytes(opcode));
      else if (wasNeeded && (ms & s) !== 0) all = 1;
      return { live, need, slots, all };
    }
    case Class.ST:
      if (dst === FRAME_POINTER && sizeBytes(opcode) === 8 && offset % 8 === 0) slots &= ~slotsCovered(offset, 8);
      return { live: live | d, need: need | d, slots, all };
    case Class.STX: {
      const size = sizeBytes(opcode);
      live |= d | s;
      need |= d;
      if ((opcode & MODE_MASK) === Mode.ATOMIC) {
        if (insn.imm === AtomicOp.CMPXCHG) live |= 1;
        return { live, need: need | s | (insn.imm === AtomicOp.CMPXCHG ? 1 : 0), slots, all };
      }
      if (dst === FRAME_POINTER) {
        const covered = slotsCovered(offset, size);
        if (all || (slots & covered) !== 0n) need |= s;
        if (size === 8 && offset % 8 === 0) slots &= ~covered;
      } else if (dstMayBeStack || stackInMemory) {
        need |= s;
      }
      return { live, need, slots, all };
    }
    default: {
      if (opcode === CALL) {
        const proto = HELPERS.get(insn.imm);
        const args = proto ? ((1 << (proto.args.length + 1)) - 2) & ARGS : ARGS;
        // A bpf_loop callback may read any stack byte its context pointer reaches.
        const readsStack = insn.imm === HelperId.loop ? 1 : all;
        return { live: (live & ~SCRATCH) | args, need: (need & ~SCRATCH) | args, slots, all: readsStack };
      }
      if (isConditionalJump(insn)) {
        const used = d | ((opcode & SOURCE_MASK) === Source.X ? s : 0);
        return { live: live | used, need: need | used, slots, all };
      }
      return out;
    }
  }
}
