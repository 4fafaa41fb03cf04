// The machine-readable form of a compiled query (`sluice compile --json`) and the text of `sluice explain`.
import { disassemble } from '../asm/disassembler.js';
import { encode } from '../asm/instruction.js';
import { MapType } from '../asm/program.js';
import { verify, type VerifierStats } from '../verifier/index.js';
import type { CompiledQuery } from '../codegen/compile.js';
import { explainPlan } from '../sql/explain.js';
import type { Plan } from '../sql/plan.js';
import { HOOK_CONTEXT } from '../storage/hook-context.js';

/** CompiledArtifact is everything another tool needs to load and run a compiled query. */
export interface CompiledArtifact {
  readonly name: string;
  readonly section: string;
  readonly license: string;
  /** Instruction bytes (8-byte little-endian slots) as lowercase hex. */
  readonly bytecode: string;
  readonly slots: number;
  readonly maps: readonly {
    readonly index: number;
    readonly name: string;
    readonly type: string;
    readonly typeId: number;
    readonly keySize: number;
    readonly valueSize: number;
    readonly maxEntries: number;
    readonly holds: string;
  }[];
  /** Each lddw that loads a map reference: its slot and the map's index (patch imm with the map's fd). */
  readonly mapReferences: readonly { readonly slot: number; readonly map: number }[];
  readonly context: string;
  readonly maxChunk: number;
  readonly verifier: VerifierStats;
}

/** compiledArtifact verifies the program for the hook context and describes it. */
export function compiledArtifact(compiled: CompiledQuery): CompiledArtifact {
  const { spec } = compiled;
  const bytes = encode(spec.insns);
  return {
    name: spec.name,
    section: spec.section,
    license: spec.license,
    bytecode: Buffer.from(bytes).toString('hex'),
    slots: bytes.length / 8,
    maps: spec.maps.map((map, index) => ({
      index,
      name: map.name,
      type: map.type,
      typeId: MapType[map.type],
      keySize: map.keySize,
      valueSize: map.valueSize,
      maxEntries: map.maxEntries,
      holds: compiled.maps.find((role) => role.index === index)?.holds ?? '',
    })),
    mapReferences: compiled.mapRefs,
    context: compiled.context,
    maxChunk: compiled.maxChunk,
    verifier: verify(spec, { context: HOOK_CONTEXT }).stats,
  };
}

/** explainText shows the plan, the maps, the verifier's statistics and the commented disassembly. */
export function explainText(plan: Plan, compiled: CompiledQuery): string {
  const artifact = compiledArtifact(compiled);
  const v = artifact.verifier;
  const maps = artifact.maps.map(
    (m) => `  ${m.index}: ${m.name} (${m.type}, key ${m.keySize} B, value ${m.valueSize} B, ${m.maxEntries} entries): ${m.holds}`,
  );
  return [
    explainPlan(plan).trimEnd(),
    '',
    `program ${artifact.name} (section ${artifact.section}, ${artifact.slots} instruction slots, chunks up to ${artifact.maxChunk} bytes)`,
    `context: ${artifact.context}`,
    'maps:',
    ...maps,
    `verifier: accepted, ${v.processedInsns} instructions processed, ${v.states} states (peak ${v.peakStates}), stack ${v.maxStackDepth} bytes, ${v.timeMs.toFixed(1)} ms`,
    '',
    disassemble(compiled.spec, { comments: true, helperNames: true }).trimEnd(),
    '',
  ].join('\n');
}
