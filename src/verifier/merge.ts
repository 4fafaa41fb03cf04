// Merging stacks: what the caller's stack may hold after a bpf_loop callback ran any number of times.
import { scalarContains } from './scalar.js';
import { type Frame, type Reg, SLOTS, StackByte, UNKNOWN_SCALAR, writableStack } from './state.js';

/** sameReg says whether two registers describe exactly the same values. */
function sameReg(a: Reg, b: Reg): boolean {
  if (a === b) return true;
  if (a.type !== b.type || a.off !== b.off || a.map !== b.map || a.frame !== b.frame || a.size !== b.size) return false;
  return scalarContains(a.value, b.value) && scalarContains(b.value, a.value);
}

/** mergeStack widens `into` to also describe `other`'s stack; returns whether `into` changed. */
export function mergeStack(frame: Frame, other: Frame): boolean {
  if (frame.stack === other.stack) return false;
  let changed = false;
  const into = writableStack(frame);
  const from = other.stack;
  for (let s = 0; s < SLOTS; s++) {
    const a = into.spills[s];
    const b = from.spills[s];
    if (a && b) {
      if (sameReg(a, b)) continue;
      if (a.type === 'scalar' && b.type === 'scalar') {
        if (a.id === 0 && scalarContains(a.value, b.value)) continue;
        changed = true;
        into.spills[s] = UNKNOWN_SCALAR;
        continue;
      }
      changed = true;
      into.spills[s] = undefined;
      into.bytes.fill(StackByte.MISC, s * 8, s * 8 + 8);
      continue;
    }
    if (a) {
      into.spills[s] = undefined;
      into.bytes.fill(StackByte.MISC, s * 8, s * 8 + 8);
      changed = true;
    }
    for (let i = s * 8; i < s * 8 + 8; i++) {
      const merged = into.bytes[i] === StackByte.INVALID || from.bytes[i] === StackByte.INVALID ? StackByte.INVALID : StackByte.MISC;
      if (merged !== into.bytes[i]) {
        into.bytes[i] = merged;
        changed = true;
      }
    }
  }
  return changed;
}

/** forgetStack turns every spilled register into plain initialised bytes, the merge's top. */
export function forgetStack(frame: Frame): void {
  const stack = writableStack(frame);
  for (let s = 0; s < SLOTS; s++) {
    if (!stack.spills[s]) continue;
    stack.spills[s] = undefined;
    stack.bytes.fill(StackByte.MISC, s * 8, s * 8 + 8);
  }
}
