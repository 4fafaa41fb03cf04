// The interpreter's audit mode: proven accesses are checked against the region the verifier proved, unwalked slots may not run.
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';
import { verify } from '../../src/verifier/index.js';
import { AuditViolation } from '../../src/vm/audit.js';
import type { ProgramFacts } from '../../src/vm/engine.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { Runtime } from '../../src/vm/runtime.js';

// Reads the packet, the context, the stack and a map value, each behind the checks Linux wants.
const PROGRAM = `
.program audit section=xdp license=GPL
.map arr array key=4 value=16 entries=4
r6 = r1
r2 = *(u32 *)(r6 + 0)
r3 = *(u32 *)(r6 + 4)
r4 = r2
r4 += 4
r7 = 0
if r4 > r3 goto nodata
r7 = *(u32 *)(r2 + 0)
nodata:
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map[arr] ll
call map_lookup_elem
if r0 == 0 goto out
*(u64 *)(r0 + 8) = r7
r7 = *(u64 *)(r0 + 8)
out:
r0 = r7
exit`;

const spec = assemble(PROGRAM);
const facts = verify(spec, { context: HOOK_CONTEXT });

/** run loads `spec` with `proof` into a fresh runtime and runs it on a 4-byte chunk. */
function run(proof: ProgramFacts, audit: boolean): bigint {
  const runtime = new Runtime(spec.maps);
  const data = runtime.space.setInput(Uint8Array.of(0x11, 0x22, 0x33, 0x44));
  const context = new Uint8Array(48);
  new DataView(context.buffer).setUint32(0, data, true);
  new DataView(context.buffer).setUint32(4, data + 4, true);
  return new Interpreter({ audit }).load(spec, runtime, proof).run(runtime.space.setContext(context)).r0;
}

describe('the verifier reports what it proved', () => {
  test('each proven access names its region: context, input, stack frame 0 or the map', () => {
    const kinds = [...facts.provenRegions.values()].map((regions) => regions.map((r) => JSON.stringify(r)).join('|'));
    expect(new Set(kinds)).toEqual(new Set(['{"kind":"context"}', '{"kind":"input"}', '{"kind":"stack","frame":0}', '{"kind":"map","map":0}']));
    expect([...facts.provenRegions.keys()].sort((a, b) => a - b)).toEqual([...facts.safeAccesses].sort((a, b) => a - b));
  });

  test('walked marks the slots the walk reached and leaves dead code at 0', () => {
    const dead = verify(assemble('r0 = 0\nif r0 == 0 goto +1\nr0 = 7\nexit'), { context: HOOK_CONTEXT });
    expect([...dead.walked]).toEqual([1, 1, 0, 1]);
  });
});

describe('audit mode', () => {
  test('runs a correctly proven program exactly as the normal interpreter does', () => {
    expect(run(facts, true)).toBe(0x44332211n);
    expect(run(facts, false)).toBe(0x44332211n);
  });

  test('a proof naming the wrong region is caught at the access, with its insn #N', () => {
    const storeSlot = [...facts.provenRegions].find(([, regions]) => regions[0]!.kind === 'map')![0];
    const forged = new Map(facts.provenRegions);
    forged.set(storeSlot, [{ kind: 'stack', frame: 0 }]);
    const audited = () => run({ ...facts, provenRegions: forged }, true);
    expect(audited).toThrow(AuditViolation);
    expect(audited).toThrow(new RegExp(`outside the region the verifier proved \\(stack frame 0\\) \\(insn #${storeSlot}\\)`));
  });

  test('a stack access in a deeper frame than it was proven for is caught', () => {
    const stackSlot = [...facts.provenRegions].find(([, regions]) => regions[0]!.kind === 'stack')![0];
    const forged = new Map(facts.provenRegions);
    forged.set(stackSlot, [{ kind: 'stack', frame: 1 }]);
    expect(() => run({ ...facts, provenRegions: forged }, true)).toThrow(/stack frame 1/);
  });

  test('running a slot the verifier never walked is a violation', () => {
    const walked = facts.walked.slice();
    const exit = walked.length - 1;
    walked[exit] = 0;
    expect(() => run({ ...facts, walked }, true)).toThrow(`the instruction runs, but the verifier never walked it (insn #${exit})`);
  });

  test('without audit the same forged facts are not consulted', () => {
    const walked = new Uint8Array(facts.walked.length);
    expect(run({ ...facts, walked, provenRegions: new Map() }, false)).toBe(0x44332211n);
  });
});
