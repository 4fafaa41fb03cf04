// bpf_loop compiled into the caller: a wasm loop calling the callback's function directly, no JavaScript per iteration.
import { FRAME_POINTER } from '../../asm/opcodes.js';
import { Errno } from '../maps.js';
import { FRAME_SIZE, HELPER_FRAME, STACK_BASE } from '../memory.js';
import { MAX_LOOPS } from '../runtime.js';
import type { Counted } from './counted.js';
import { Local, REG_LOCAL } from './locals.js';
import { FaultKind } from './module-context.js';
import { Op } from './wasm-opcodes.js';

/**
 * emitNativeLoop appends `r0 = bpf_loop(r1, callee, r3, r4)` for a callback known at compile
 * time (`callee` is its wasm function), with the runtime helper's semantics: flags (r4) other
 * than 0 give -EINVAL, more than MAX_LOOPS iterations -E2BIG; otherwise the callback runs with
 * (index, r3) one frame below the caller until it returns non-zero or nr_loops iterations
 * are done, and r0 is the number of iterations run. Arguments go to the helper frame and r0
 * is left there, as the runtime's helper does. Callees take and return the exact count and
 * check the budget themselves; the call depth is checked once, before the first iteration.
 */
export function emitNativeLoop(counted: Counted, callee: number, slot: number): void {
  const { c, ctx } = counted;
  const [r0, r1, r3, r4] = [REG_LOCAL[0]!, REG_LOCAL[1]!, REG_LOCAL[3]!, REG_LOCAL[4]!];
  const fp = REG_LOCAL[FRAME_POINTER]!;
  const [count, index] = [Local.t64a, Local.t64b];
  for (let r = 1; r <= 5; r++) c.i32(HELPER_FRAME + 8 * r).get(REG_LOCAL[r]!).mem(Op.i64_store);
  c.get(r4).op(Op.i64_eqz).ifThen();
  c.get(r1).i64(MAX_LOOPS).op(Op.i64_gt_u).ifThen();
  c.i64(-Errno.E2BIG).set(r0);
  c.else();
  c.get(r1).tee(count).op(Op.i64_eqz).op(Op.i32_eqz);
  c.get(fp).i64(STACK_BASE + 2 * FRAME_SIZE).op(Op.i64_lt_u).op(Op.i32_and).ifThen();
  c.i32(FaultKind.callDepth).i32(slot).call(ctx.imports.fault).end();
  // The count local is exact during the loop (callees take and return it), lagging again after.
  bump(counted, counted.offset);
  c.i64(0).set(index);
  c.block().loop();
  c.get(index).get(count).op(Op.i64_ge_u).brIf(1);
  c.get(index).get(r3).i64(0).i64(0).i64(0).get(fp).i64(FRAME_SIZE).op(Op.i64_sub).get(Local.count).call(callee);
  c.set(Local.count);
  c.get(index).i64(1).op(Op.i64_add).set(index);
  c.op(Op.i64_eqz).brIf(0);
  c.end().end();
  bump(counted, -counted.offset);
  c.get(index).set(r0);
  c.end();
  c.else();
  c.i64(-Errno.EINVAL).set(r0);
  c.end();
  c.i32(HELPER_FRAME).get(r0).mem(Op.i64_store);
}

function bump({ c }: Counted, amount: number): void {
  if (amount !== 0) c.get(Local.count).i64(amount).op(Op.i64_add).set(Local.count);
}
