// The check every program passes before it is attached at the hook: Sluice's verifier with the hook's context.
import type { ProgramSpec } from '../asm/program.js';
import type { ProgramFacts } from '../vm/engine.js';
import { checkMapSpecs } from '../vm/maps.js';
import { verify } from '../verifier/index.js';
import { HOOK_CONTEXT } from './hook-context.js';

/**
 * verifyForHook checks that the node can create `spec`'s maps within `mapMemory` bytes (a
 * MapSpecError names the map), proves `spec` safe for the storage hook (context: HOOK_CONTEXT,
 * the xdp_md layout plus Sluice's chunk fields) and returns what the engines may rely on. A
 * refusal throws the verifier's VerifierError unchanged.
 */
export function verifyForHook(spec: ProgramSpec, mapMemory?: number): ProgramFacts {
  checkMapSpecs(spec.maps, mapMemory);
  return verify(spec, { context: HOOK_CONTEXT });
}
