// The node's cache of verified programs: a program proven safe once is not verified again while its bytes and maps are unchanged.
import { createHash } from 'node:crypto';
import { encode } from '../asm/instruction.js';
import type { ProgramSpec } from '../asm/program.js';
import type { ProgramFacts, ProvenRegion } from '../vm/engine.js';
import { checkMapSpecs } from '../vm/maps.js';
import type { ProgramStore } from './program-store.js';
import { verifyForHook } from './verify-hook.js';

/** DEFAULT_VERIFIED_ENTRIES is how many verified programs a node remembers (least recently used go first). */
export const DEFAULT_VERIFIED_ENTRIES = 64;

/** Verified is a verdict for one program: what the engines may rely on, and whether it came from the cache (this node's or the store). */
export interface Verified {
  readonly facts: ProgramFacts;
  readonly cached: boolean;
}

/**
 * VerifiedPrograms verifies programs for the hook and remembers the accepted ones, keyed by the
 * SHA-256 of everything the verdict depends on: the instruction bytes, the license and each map's
 * spec (type, sizes, entries, flags, read-only, initial value). Any change to those (one byte of
 * the program included) is a different key, so the program is verified again. Refusals are not
 * cached: they throw every time. With a ProgramStore, accepted programs' facts are also kept on disk
 * under the same key, so that another process of this user's (the next `sluice query`) takes them
 * instead of verifying again; the store's signature makes sure it only takes verdicts it wrote.
 */
export class VerifiedPrograms {
  private readonly entries = new Map<string, ProgramFacts>();

  constructor(
    readonly capacity: number = DEFAULT_VERIFIED_ENTRIES,
    /** The node's budget for one tenant's maps, which verifyForHook checks the map specs against. */
    private readonly mapMemory?: number,
    /** Where verdicts are kept across processes (see ProgramStore), if anywhere. */
    private readonly store?: ProgramStore,
  ) {}

  /** verify returns the cached facts of `spec`, or verifies it (a refusal throws) and remembers them. */
  verify(spec: ProgramSpec): Verified {
    const key = programKey(spec);
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return { facts: known, cached: true };
    }
    const stored = this.store?.get('verdict', key);
    if (stored) {
      // The map limit is this node's, not part of the verdict: it is checked on every attachment.
      checkMapSpecs(spec.maps, this.mapMemory);
      const facts = decodeFacts(stored);
      this.remember(key, facts);
      return { facts, cached: true };
    }
    const facts = verifyForHook(spec, this.mapMemory);
    this.store?.put('verdict', key, encodeFacts(facts));
    this.remember(key, facts);
    return { facts, cached: false };
  }

  private remember(key: string, facts: ProgramFacts): void {
    if (this.capacity > 0) {
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, facts);
    }
  }
}

/** programKey hashes what the verifier's verdict depends on (the program's name and section do not change it). */
export function programKey(spec: ProgramSpec): string {
  const hash = createHash('sha256');
  hash.update(encode(spec.insns));
  hash.update(`\0license ${spec.license}\0maps ${spec.maps.length}\0`);
  for (const map of spec.maps) {
    hash.update(`${map.name}\0${map.type} ${map.keySize} ${map.valueSize} ${map.maxEntries} ${map.flags} ${map.readOnly ? 1 : 0} ${map.initialValue?.length ?? -1}\0`);
    if (map.initialValue) hash.update(map.initialValue);
  }
  return hash.digest('hex');
}

/** FactsRecord is ProgramFacts as JSON: slots, regions by slot, and the walked slots' flags in base64. */
interface FactsRecord {
  readonly safe: number[];
  readonly regions?: [number, ProvenRegion[]][];
  readonly walked?: string;
}

/** encodeFacts writes what the engines rely on (ProgramFacts) as a store record. */
export function encodeFacts(facts: ProgramFacts): Uint8Array {
  const record: FactsRecord = {
    safe: [...facts.safeAccesses],
    ...(facts.provenRegions && { regions: [...facts.provenRegions].map(([slot, regions]) => [slot, [...regions]]) }),
    ...(facts.walked && { walked: Buffer.from(facts.walked).toString('base64') }),
  };
  return Buffer.from(JSON.stringify(record));
}

/** decodeFacts reads a record encodeFacts wrote (the store's signature vouches that it did). */
export function decodeFacts(bytes: Uint8Array): ProgramFacts {
  const record = JSON.parse(Buffer.from(bytes).toString('utf8')) as FactsRecord;
  return {
    safeAccesses: new Set(record.safe),
    ...(record.regions && { provenRegions: new Map(record.regions) }),
    ...(record.walked !== undefined && { walked: new Uint8Array(Buffer.from(record.walked, 'base64')) }),
  };
}
