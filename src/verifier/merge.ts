// Merging stacks: what the caller's stack may hold after a bpf_loop callback ran any number of times.
import { scalarContains } from './scalar.js';
import { type Frame, type Reg, SLOTS, UNKNOWN_SCALAR, lowestSlot, setSlot, spillAt, writableStack, writtenAt } from './state.js';

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
  // Slots below `into`'s arrays hold nothing there, and stay so (merging only removes).
  for (let s = lowestSlot(into); s < SLOTS; s++) {
    const a = spillAt(into, s);
    const b = spillAt(from, s);
    if (a && b) {
      if (sameReg(a, b)) continue;
      if (a.type === 'scalar' && b.type === 'scalar') {
        if (a.id === 0 && scalarContains(a.value, b.value)) continue;
        changed = true;
        setSlot(into, s, writtenAt(into, s), UNKNOWN_SCALAR);
        continue;
      }
      // Both slots are wholly written: they stay so, as plain data.
      changed = true;
      setSlot(into, s, writtenAt(into, s), undefined);
      continue;
    }
    if (a) {
      setSlot(into, s, writtenAt(into, s), undefined);
      changed = true;
    }
    // A byte stays written only if both stacks wrote it.
    const merged = writtenAt(into, s) & writtenAt(from, s);
    if (merged !== writtenAt(into, s)) {
      setSlot(into, s, merged, spillAt(into, s));
      changed = true;
    }
  }
  return changed;
}

/** forgetStack turns every spilled register into plain written bytes, the merge's top. */
export function forgetStack(frame: Frame): void {
  const stack = writableStack(frame);
  for (let s = lowestSlot(stack); s < SLOTS; s++) setSlot(stack, s, writtenAt(stack, s), undefined);
}
