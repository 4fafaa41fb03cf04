// A ProgramSpec as JSON text, for caches that keep programs across processes: the instructions' bytes, maps, slot comments.
import { decodeReadOnly, encode } from './instruction.js';
import { MapType, type MapSpec, type ProgramSpec } from './program.js';

/** The record: the instructions as their 8-byte slots (encode) in base64, the maps, the slot comments. */
interface SpecRecord {
  readonly name: string;
  readonly section: string;
  readonly license: string;
  readonly code: string;
  readonly maps: MapSpec[];
  readonly comments: [number, string][];
}

/**
 * specToRecord writes `spec` as JSON text, or returns undefined when a map carries bytes (global
 * data, a join's build contents): programs that bring their data are not worth keeping.
 */
export function specToRecord(spec: ProgramSpec): string | undefined {
  if (spec.maps.some((map) => map.initialValue !== undefined || map.contents !== undefined)) return undefined;
  const code = Buffer.from(encode(spec.insns)).toString('base64');
  const record: SpecRecord = { name: spec.name, section: spec.section, license: spec.license, code, maps: [...spec.maps], comments: [...(spec.comments ?? [])] };
  return JSON.stringify(record);
}

/**
 * specFromRecord reads what specToRecord wrote. The instructions are decoded as a program message's
 * are (decodeReadOnly: checked, frozen, their bytes kept for encode), so the code that walks them
 * sees one shape either way. Throws on text that is not such a record.
 */
export function specFromRecord(text: string): ProgramSpec {
  const record = JSON.parse(text) as SpecRecord;
  if (typeof record.code !== 'string') throw new Error('program record: no instructions');
  const insns = decodeReadOnly(Buffer.from(record.code, 'base64'));
  if (insns.length === 0) throw new Error('program record: no instructions');
  const maps = record.maps.map((map) => {
    if (!(map.type in MapType) || ![map.keySize, map.valueSize, map.maxEntries, map.flags].every(Number.isInteger)) throw new Error(`program record: map '${map.name}' is malformed`);
    return map;
  });
  const comments = new Map(record.comments.map(([slot, comment]) => [Number(slot), String(comment)]));
  return { name: String(record.name), section: String(record.section), insns, maps, license: String(record.license), comments };
}
