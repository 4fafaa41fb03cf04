// Local calls and exits: entering a subprogram's frame, and leaving a frame at EXIT (main program, subprogram or callback).
// Invariants: the call graph was checked by structure.ts (no recursion, depth within MAX_CALL_FRAMES, still re-checked here);
// R1-R5 pass arguments and are clobbered on return, R0 must be a scalar on every exit, and a callback's exit is only
// reached with `exits` given (by callback.ts's walk).
import { FRAME_POINTER } from '../asm/opcodes.js';
import { type Env, refuse } from './env.js';
import { newFrame, NOT_INIT, pointerReg, regText, type State } from './state.js';
import { MAX_CALL_FRAMES } from '../asm/limits.js';

/** callLocal enters the subprogram at `target` with a new frame that returns to `returnTo`. */
export function callLocal(cur: State, target: number, returnTo: number): void {
  if (cur.frames.length >= MAX_CALL_FRAMES) refuse(`the call stack of ${cur.frames.length + 1} frames is too deep (the limit is ${MAX_CALL_FRAMES})`);
  const caller = cur.frames[cur.frames.length - 1]!;
  const frame = newFrame(target, returnTo, false);
  for (let r = 1; r <= 5; r++) frame.regs[r] = caller.regs[r]!;
  frame.regs[FRAME_POINTER] = pointerReg('stack', { frame: cur.frames.length });
  cur.frames.push(frame);
  cur.insn = target;
}

/** exitFrame checks R0 at EXIT and leaves the current frame; 'end' when the path ends there. */
export function exitFrame(env: Env, cur: State, exits: State[] | undefined): 'next' | 'end' {
  const frame = cur.frames[cur.frames.length - 1]!;
  const r0 = frame.regs[0]!;
  if (r0.type === 'not_init') refuse('R0 !read_ok: r0 must be set before exit');
  if (frame.callback) {
    if (r0.type !== 'scalar' || r0.value.umax > 1n) {
      refuse(`At callback return the register R0 has ${regText(r0, env.spec.maps)} should have been in [0, 1]`);
    }
    exits!.push(cur);
    return 'end';
  }
  if (cur.frames.length === 1) {
    if (r0.type !== 'scalar') refuse(`R0 leaks addr as return value (${regText(r0, env.spec.maps)})`);
    return 'end';
  }
  if (r0.type !== 'scalar') refuse(`At subprogram exit R0 must be a scalar, not ${regText(r0, env.spec.maps)}`);
  cur.frames.pop();
  const caller = cur.frames[cur.frames.length - 1]!;
  caller.regs[0] = r0;
  for (let r = 1; r <= 5; r++) caller.regs[r] = NOT_INIT;
  cur.insn = frame.returnTo;
  return 'next';
}
