// State pruning: is a new state covered by one already explored at the same instruction?
import type { Env } from './env.js';
import { isConst, scalarContains } from './scalar.js';
import { type Frame, NOT_INIT, type Reg, type State, SLOTS, UNKNOWN_SCALAR, copyFrame, lowestSlot, spillAt, writtenAt } from './state.js';

const SCRATCH = 0b111111; // r0..r5: dead in a caller frame while its callee runs

/**
 * IdMap checks that ids correspond one to one between an old and a new state, so relations
 * (pointers sharing a packet range, copies sharing a value, nullable copies) carry over.
 */
class IdMap {
  // Typed arrays and a count rather than arrays emptied with `length = 0`: reset runs once per
  // state comparison, and truncating a JS array there cost more than the comparison itself.
  private olds = new Int32Array(64);
  private curs = new Int32Array(64);
  private count = 0;

  reset(): void {
    this.count = 0;
  }

  match(oldId: number, curId: number): boolean {
    const { olds, curs, count } = this;
    for (let i = 0; i < count; i++) {
      if (olds[i] === oldId) return curs[i] === curId;
    }
    for (let i = 0; i < count; i++) if (curs[i] === curId) return false;
    if (count === olds.length) this.grow();
    this.olds[count] = oldId;
    this.curs[count] = curId;
    this.count = count + 1;
    return true;
  }

  private grow(): void {
    const olds = new Int32Array(this.olds.length * 2);
    const curs = new Int32Array(this.curs.length * 2);
    olds.set(this.olds);
    curs.set(this.curs);
    this.olds = olds;
    this.curs = curs;
  }
}

/**
 * regCovered says whether every value `cur` may hold is one `old` allowed, as far as the rest of
 * the walk can tell. `needed` is false for scalars whose value no later decision depends on.
 */
function regCovered(old: Reg, cur: Reg, needed: boolean, ids: IdMap, fresh: () => number): boolean {
  if (old.type === 'not_init') return true;
  if (old.type !== cur.type) return false;
  if (old.type === 'scalar') {
    if (!needed) return true;
    if (!scalarContains(old.value, cur.value)) return false;
    return old.id === 0 || ids.match(old.id, cur.id === 0 ? fresh() : cur.id);
  }
  if (old === cur) return ids.match(old.id, cur.id);
  if (old.off !== cur.off || old.map !== cur.map || old.frame !== cur.frame || old.size !== cur.size) return false;
  if (!scalarContains(old.value, cur.value)) return false;
  if (old.type === 'pkt' && cur.range < old.range) return false;
  return ids.match(old.id, cur.id);
}

/** stackCovered compares two frames' stacks; `low` and `high` are the needed slots' mask (0-31, 32-63). */
function stackCovered(of: Frame, cf: Frame, low: number, high: number, allStack: boolean, ids: IdMap, fresh: () => number): boolean {
  if (of.stack === cf.stack) return sameSpillIds(of.stack.spills, ids);
  const old = of.stack;
  const cur = cf.stack;
  // Slots below old's arrays hold nothing there, and demand nothing of `cur`.
  for (let s = lowestSlot(old); s < SLOTS; s++) {
    const oldSpill = spillAt(old, s);
    if (oldSpill) {
      const curSpill = spillAt(cur, s);
      if (!curSpill) return false;
      const needed = allStack || ((s < 32 ? low >>> s : high >>> (s - 32)) & 1) !== 0;
      if (!regCovered(oldSpill, curSpill, needed, ids, fresh)) return false;
      continue;
    }
    // A byte `old` never wrote demands nothing of `cur`; one it wrote must be written in `cur`, and not with a pointer.
    const oldBytes = writtenAt(old, s);
    if (oldBytes === 0) continue;
    if ((oldBytes & ~writtenAt(cur, s)) !== 0) return false;
    const curSpill = spillAt(cur, s);
    if (curSpill && curSpill.type !== 'scalar') return false;
  }
  return true;
}

/** sameSpillIds records the ids of spills two states share, so registers must match them consistently. */
function sameSpillIds(spills: readonly (Reg | undefined)[], ids: IdMap): boolean {
  for (let s = 0; s < spills.length; s++) {
    const spilled = spills[s];
    if (spilled && spilled.id !== 0 && !ids.match(spilled.id, spilled.id)) return false;
  }
  return true;
}

/** fresh returns an id no state uses, standing for a scalar copy that is linked to nothing. */
let unlinked = 0;
const fresh = (): number => --unlinked;

/** sharedIds is reused by every comparison (one walk runs at a time), saving two Maps per comparison. */
const sharedIds = new IdMap();

/** TYPE_CODE numbers register types for stateKey. */
const TYPE_CODE: Record<Reg['type'], number> = {
  not_init: 0,
  scalar: 1,
  ctx: 2,
  stack: 3,
  map_ptr: 4,
  map_value: 5,
  map_value_or_null: 6,
  pkt: 7,
  pkt_end: 8,
  pkt_meta: 9,
  mem: 10,
  func: 11,
};

/** ANY_KEY is stateKey's answer for a state whose live registers include an unset one. */
export const ANY_KEY = -1;

/**
 * stateKey hashes what `covers` demands be equal between two states at the same instruction: the
 * call depth, the current function, and each live register's type and, for pointers, fixed offset,
 * map and frame. States with different keys never cover one another, so the walk compares only
 * states whose keys match (or ANY_KEY: an unset register in `old` covers anything, so no key is
 * demanded of a state with one).
 */
export function stateKey(env: Env, state: State): number {
  const frame = state.frames[state.frames.length - 1]!;
  const liveRegs = env.needs.live[state.insn]!;
  let h = (state.frames.length * 65599 + frame.entry) | 0;
  for (let r = 0; r <= 10; r++) {
    if (!(liveRegs & (1 << r))) continue;
    const reg = frame.regs[r]!;
    if (reg.type === 'not_init') return ANY_KEY;
    h = (Math.imul(h, 31) + TYPE_CODE[reg.type]) | 0;
    if (reg.type !== 'scalar') h = (Math.imul(h, 31) + reg.off * 7 + reg.map * 131 + reg.frame) | 0;
  }
  return h === ANY_KEY ? 0 : h;
}

/**
 * constantsKey refines `key` (stateKey's, not ANY_KEY) with the values of the current frame's
 * needed scalar registers, when every one of them is a known constant; otherwise it returns
 * undefined. A needed constant in `old` covers only the same constant in `cur` (covers), so a state
 * with such a key can be covered only by a state with the same key or by one without (a range
 * covers many constants). The walk files checkpoints under it, so a loop whose counter is known
 * compares a state with the checkpoints of its own iteration and not with those of every other.
 */
export function constantsKey(env: Env, state: State, key: number): number | undefined {
  const frame = state.frames[state.frames.length - 1]!;
  const neededRegs = env.needs.live[state.insn]! & env.needs.need[state.insn]!;
  let h = key;
  for (let r = 0; r <= 10; r++) {
    if (!(neededRegs & (1 << r))) continue;
    const reg = frame.regs[r]!;
    if (reg.type !== 'scalar') continue;
    const value = reg.value;
    if (!isConst(value)) return undefined;
    // Number() of a constant is exact below 2^53 and a fine hash above (covers decides).
    h = (Math.imul(h, 0x01000193) + r * 977 + (Number(value.umin) | 0)) | 0;
  }
  return h;
}

/** covers says whether exploring the state of frames `cur` at `insn` could find nothing that exploring `old` (at the same instruction) did not. */
export function covers(env: Env, insn: number, old: readonly Frame[], cur: readonly Frame[]): boolean {
  const depth = cur.length;
  if (old.length !== depth) return false;
  const { live, need, needSlotsLow, needSlotsHigh, allStack } = env.needs;
  const allAt = allStack[insn] === 1;
  const ids = sharedIds;
  ids.reset();
  for (let f = depth - 1; f >= 0; f--) {
    const of = old[f]!;
    const cf = cur[f]!;
    if (of.entry !== cf.entry || of.returnTo !== cf.returnTo) return false;
    const point = f === depth - 1 ? insn : cur[f + 1]!.returnTo;
    const mask = f === depth - 1 ? 0x7ff : 0x7ff & ~SCRATCH;
    const liveRegs = live[point]! & mask;
    const neededRegs = need[point]!;
    for (let r = 0; r <= 10; r++) {
      if (!(liveRegs & (1 << r))) continue;
      if (!regCovered(of.regs[r]!, cf.regs[r]!, (neededRegs & (1 << r)) !== 0, ids, fresh)) return false;
    }
    if (!stackCovered(of, cf, needSlotsLow[point]!, needSlotsHigh[point]!, allAt || allStack[point] === 1, ids, fresh)) return false;
  }
  return true;
}

/**
 * checkpointFrames is the copy of `state`'s frames a checkpoint keeps: what covers reads of it, and nothing
 * more. Registers covers skips (not live at the frame's point) become NOT_INIT and live scalars
 * whose value it ignores (not needed) become UNKNOWN_SCALAR, so a kept checkpoint does not hold
 * their values alive: thousands of checkpoints stay until the walk ends, and every object they
 * hold is copied by the garbage collector. covers answers the same for the trimmed copy as for
 * the state itself, in both directions (a checkpoint is also compared as `cur` against a newer
 * state for the infinite-loop check, where the same registers are skipped or ignored).
 */
export function checkpointFrames(env: Env, state: State): Frame[] {
  const { live, need } = env.needs;
  const depth = state.frames.length;
  // Pushed, not preallocated: a preallocated array is holey, and covers would meet two array shapes.
  const frames: Frame[] = [];
  for (let f = 0; f < depth; f++) {
    const frame = copyFrame(state.frames[f]!);
    const point = f === depth - 1 ? state.insn : state.frames[f + 1]!.returnTo;
    const liveRegs = live[point]! & (f === depth - 1 ? 0x7ff : 0x7ff & ~SCRATCH);
    const neededRegs = need[point]!;
    const regs = frame.regs;
    for (let r = 0; r <= 10; r++) {
      if (!(liveRegs & (1 << r))) regs[r] = NOT_INIT;
      else if (!(neededRegs & (1 << r)) && regs[r]!.type === 'scalar') regs[r] = UNKNOWN_SCALAR;
    }
    frames.push(frame);
  }
  return frames;
}
