// bpf_loop callbacks: verifying a callback frame to a fixed point of the caller's stack.
// Invariants: `explore` walks every path of the callback and collects each callback exit in `exits`; stacks only grow
// less precise under mergeStack, and after CALLBACK_ROUNDS rounds they are forgotten, so the loop ends; the callback
// frame sits on top of the caller's frames, whose stacks become shared with the merged state.
import { FRAME_POINTER } from '../asm/opcodes.js';
import { refuse } from './env.js';
import { forgetStack, mergeStack } from './merge.js';
import { copyState, newFrame, pointerReg, type Reg, type State, UNKNOWN_SCALAR } from './state.js';
import { MAX_CALL_FRAMES } from '../asm/limits.js';

/** CALLBACK_ROUNDS is how often a callback is re-verified with a merged stack before the stack is forgotten. */
const CALLBACK_ROUNDS = 3;

/**
 * verifyCallback verifies a bpf_loop callback on top of `cur`'s frames. The callback may run
 * any number of times and may write the caller's stack through its context pointer, so it is
 * verified again from the merge of the caller's stack before and after it until that merge stops
 * changing; `cur`'s stacks then become the merge. `explore` walks one round (numbered from 0) and
 * collects the callback's exits.
 */
export function verifyCallback(cur: State, entry: number, context: Reg, explore: (start: State, exits: State[], round: number) => void): void {
  if (cur.frames.length >= MAX_CALL_FRAMES) refuse(`the call stack of ${cur.frames.length + 1} frames is too deep (the limit is ${MAX_CALL_FRAMES})`);
  let base = copyState(cur);
  for (let round = 0; ; round++) {
    const start = copyState(base);
    const frame = newFrame(entry, cur.insn + 1, true);
    // The index is below bpf_loop's 1 << 23 iterations, but Linux gives the callback an unbounded scalar: so does Sluice.
    frame.regs[1] = UNKNOWN_SCALAR;
    frame.regs[2] = context;
    frame.regs[FRAME_POINTER] = pointerReg('stack', { frame: start.frames.length });
    start.frames.push(frame);
    start.insn = entry;
    const exits: State[] = [];
    explore(start, exits, round);
    let changed = false;
    for (const exit of exits) {
      base.nextId = Math.max(base.nextId, exit.nextId);
      base.frames.forEach((f, i) => (changed = mergeStack(f, exit.frames[i]!) || changed));
    }
    if (!changed) break;
    if (round + 1 >= CALLBACK_ROUNDS) base.frames.forEach(forgetStack);
  }
  cur.nextId = base.nextId;
  cur.frames.forEach((f, i) => {
    f.stack = base.frames[i]!.stack;
    f.shared = true;
    base.frames[i]!.shared = true;
  });
}
