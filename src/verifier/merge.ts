// Merging stacks: what the caller's stack may hold after a bpf_loop callback ran any number of times.
import { scalarContains } from './scalar.js';
import { type Frame, type Reg, SLOTS, UNKNOWN_SCALAR, writableStack } from './state.js';

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
      // Both slots are wholly written: they stay so, as plain data.
      changed = true;
      into.spills[s] = undefined;
      continue;
    }
    if (a) {
      into.spills[s] = undefined;
      changed = true;
    }
    // A byte stays written only if both stacks wrote it.
    const merged = into.written[s]! & from.written[s]!;
    if (merged !== into.written[s]) {
      into.written[s] = merged;
      changed = true;
    }
  }
  return changed;
}

/** forgetStack turns every spilled register into plain written bytes, the merge's top. */
export function forgetStack(frame: Frame): void {
  const stack = writableStack(frame);
  for (let s = 0; s < SLOTS; s++) stack.spills[s] = undefined;
}
