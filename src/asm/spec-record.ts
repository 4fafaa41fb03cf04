// A ProgramSpec as JSON text, for caches that keep programs across processes: instructions as numbers, maps, slot comments.
import type { Instruction } from './instruction.js';
import { LDDW } from './opcodes.js';
import { MapType, type MapSpec, type ProgramSpec } from './program.js';

/** The record: each instruction as opcode, dst, src, offset, imm (and imm2 for lddw), one flat list. */
interface SpecRecord {
  readonly name: string;
  readonly section: string;
  readonly license: string;
  readonly insns: number[];
  readonly maps: MapSpec[];
  readonly comments: [number, string][];
}

/**
 * specToRecord writes `spec` as JSON text, or returns undefined when a map carries bytes (global
 * data, a join's build contents): programs that bring their data are not worth keeping.
 */
export function specToRecord(spec: ProgramSpec): string | undefined {
  if (spec.maps.some((map) => map.initialValue !== undefined || map.contents !== undefined)) return undefined;
  const insns: number[] = [];
  for (const insn of spec.insns) {
    insns.push(insn.opcode, insn.dst, insn.src, insn.offset, insn.imm);
    if (insn.opcode === LDDW) insns.push(insn.imm2 ?? 0);
  }
  const record: SpecRecord = { name: spec.name, section: spec.section, license: spec.license, insns, maps: [...spec.maps], comments: [...(spec.comments ?? [])] };
  return JSON.stringify(record);
}

/**
 * specFromRecord reads what specToRecord wrote. Instructions get the shapes `decode` gives them
 * (an lddw carries imm2, no other does), so the code that walks them sees one shape either way.
 * Throws on text that is not such a record.
 */
export function specFromRecord(text: string): ProgramSpec {
  const record = JSON.parse(text) as SpecRecord;
  const flat = record.insns;
  if (!Array.isArray(flat) || !flat.every(Number.isInteger)) throw new Error('program record: instructions are not integers');
  const insns: Instruction[] = [];
  let at = 0;
  while (at < flat.length) {
    const base = { opcode: flat[at]!, dst: flat[at + 1]!, src: flat[at + 2]!, offset: flat[at + 3]!, imm: flat[at + 4]! };
    at += 5;
    if (base.opcode !== LDDW) insns.push(base);
    else insns.push({ ...base, imm2: flat[at++]! });
  }
  if (insns.length === 0 || at !== flat.length) throw new Error('program record: truncated instructions');
  const maps = record.maps.map((map) => {
    if (!(map.type in MapType) || ![map.keySize, map.valueSize, map.maxEntries, map.flags].every(Number.isInteger)) throw new Error(`program record: map '${map.name}' is malformed`);
    return map;
  });
  const comments = new Map(record.comments.map(([slot, comment]) => [Number(slot), String(comment)]));
  return { name: String(record.name), section: String(record.section), insns, maps, license: String(record.license), comments };
}
