// Hands the instruction count to callees (as an argument, or through the count global for helpers) and takes it back.
import { Local } from './locals.js';
import type { ModuleContext } from './module-context.js';
import type { Code } from './wasm-code.js';
import { Op } from './wasm-opcodes.js';

/** Counted is what a call needs to publish the instruction count to callees and take it back. */
export interface Counted {
  readonly c: Code;
  readonly ctx: ModuleContext;
  /** offset: the count local plus this is the number executed so far, the call included. */
  readonly offset: number;
}

/** publishCount stores the exact count in the count global, for callees to continue from. */
export function publishCount({ c, ctx, offset }: Counted): void {
  c.get(Local.count);
  if (offset !== 0) c.i64(offset).op(Op.i64_add);
  c.globalSet(ctx.globals.count);
}

/** reloadCount sets the count local from the global after callees ran, keeping the caller's lag. */
export function reloadCount({ c, ctx, offset }: Counted): void {
  c.globalGet(ctx.globals.count);
  if (offset !== 0) c.i64(offset).op(Op.i64_sub);
  c.set(Local.count);
}

/** pushExactCount pushes the exact count: the argument a callee function takes last. */
export function pushExactCount({ c, offset }: Counted): void {
  c.get(Local.count);
  if (offset !== 0) c.i64(offset).op(Op.i64_add);
}

/** takeCount pops the count a callee returned (on top of its r0) into the count local. */
export function takeCount({ c, offset }: Counted): void {
  if (offset !== 0) c.i64(offset).op(Op.i64_sub);
  c.set(Local.count);
}
