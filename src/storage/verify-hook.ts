// The check every program passes before it is attached at the hook.
import type { ProgramSpec } from '../asm/program.js';
import type { ProgramFacts } from '../vm/engine.js';
import { preflight } from '../vm/preflight.js';

/**
 * verifyForHook refuses a program that may not be attached and returns what was proved about it.
 * INTERIM: src/verifier's verify(spec, { context: HOOK_CONTEXT }) has not landed yet, so this runs
 * only the vm's structural preflight (jumps, exits, helper ids, uninitialised registers) and proves
 * no memory facts; the engines keep every run-time check. It switches to the verifier when it lands.
 */
export function verifyForHook(spec: ProgramSpec): ProgramFacts | undefined {
  preflight(spec);
  return undefined;
}
