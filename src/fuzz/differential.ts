// Runs one program on two engines and describes the first difference in r0, count, stack, maps or error.
import { bySlot } from '../asm/instruction.js';
import { Class, CLASS_MASK } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import type { Engine, ProgramFacts } from '../vm/engine.js';
import { STACK_BASE, STACK_TOP } from '../vm/memory.js';
import { Runtime } from '../vm/runtime.js';
import { FUZZ_MAPS } from './generator.js';

/** Observation is everything a run leaves behind that engines must agree on. */
export type Observation =
  | { readonly r0: bigint; readonly instructions: number; readonly stack: Uint8Array; readonly maps: string }
  | { readonly error: string };

/** fuzzRuntime makes a runtime for generated programs (all share FUZZ_MAPS); `observe` resets it before each use. */
export function fuzzRuntime(): Runtime {
  return new Runtime(FUZZ_MAPS, { budget: 100_000 });
}

/**
 * observe loads and runs `spec` (whose maps must be FUZZ_MAPS) once on `engine` in `runtime`,
 * after zeroing its stack and emptying its maps, and records the outcome.
 */
export function observe(engine: Engine, spec: ProgramSpec, runtime: Runtime, facts?: ProgramFacts): Observation {
  runtime.space.bytes.fill(0, STACK_BASE, STACK_TOP);
  for (const map of runtime.maps) map.clear();
  try {
    const result = engine.load(spec, runtime, facts).run(0x1234, 7);
    const maps = runtime.maps.map((m) => m.entries().map(([k, v]) => `${hex(k)}=${hex(v)}`).join(',')).join(';');
    return { ...result, stack: runtime.space.bytes.slice(STACK_BASE, STACK_TOP), maps };
  } catch (error) {
    const e = error as Error;
    return { error: `${e.name}: ${e.message}` };
  }
}

/** allMemoryAccesses marks every load, store and atomic of `spec` safe: right for programs safe by construction. */
export function allMemoryAccesses(spec: ProgramSpec): ProgramFacts {
  const safe = new Set<number>();
  bySlot(spec.insns).forEach((insn, slot) => {
    const cls = insn ? insn.opcode & CLASS_MASK : -1;
    if (cls === Class.LDX || cls === Class.ST || cls === Class.STX) safe.add(slot);
  });
  return { safeAccesses: safe };
}

/** difference returns why two observations differ, or undefined when they agree. */
export function difference(a: Observation, b: Observation): string | undefined {
  if ('error' in a || 'error' in b) {
    const left = 'error' in a ? a.error : `r0 = ${a.r0}`;
    const right = 'error' in b ? b.error : `r0 = ${b.r0}`;
    return left === right ? undefined : `${left} <> ${right}`;
  }
  if (a.r0 !== b.r0) return `r0 0x${a.r0.toString(16)} <> 0x${b.r0.toString(16)}`;
  if (a.instructions !== b.instructions) return `instructions ${a.instructions} <> ${b.instructions}`;
  const at = a.stack.findIndex((byte, k) => byte !== b.stack[k]);
  if (at >= 0) return `stack byte at 0x${(STACK_BASE + at).toString(16)}: ${a.stack[at]} <> ${b.stack[at]}`;
  if (a.maps !== b.maps) return `maps ${a.maps} <> ${b.maps}`;
  return undefined;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
