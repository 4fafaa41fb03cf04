// Kernel maps filled and read in batches (BPF_MAP_UPDATE_BATCH, BPF_MAP_LOOKUP_BATCH) hold what one call per entry would.
import { describe, expect, it } from 'vitest';
import type { MapSpec } from '../../src/asm/program.js';
import { kernelAvailability } from '../../src/kernel/bpf.js';
import { KernelMap } from '../../src/kernel/map.js';

const availability = kernelAvailability();

/** walkOf reads a map the per-entry way (BPF_MAP_GET_NEXT_KEY, then one lookup each), the batch reads' fallback. */
const walkOf = (map: KernelMap): [Uint8Array, Uint8Array][] => (map as unknown as { walk(): [Uint8Array, Uint8Array][] }).walk();
const sorted = (entries: [Uint8Array, Uint8Array][]): string[] => entries.map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`).sort();

describe.skipIf(!availability.ok)(`kernel map batches${availability.ok ? '' : ` (skipped: ${availability.reason})`}`, () => {
  it('an array map from its values by key (more than one batch) reads back entry for entry', () => {
    const count = 9000;
    const values = new Uint8Array(count * 12).map((_, i) => (i * 7) & 0xff);
    const spec: MapSpec = { name: 'build0', type: 'array', keySize: 4, valueSize: 12, maxEntries: count, flags: 0, readOnly: true, contents: { values } };
    const map = KernelMap.create(spec);
    try {
      const entries = map.entries();
      expect(entries.length).toBe(count);
      entries.forEach(([key, value], i) => {
        expect(new DataView(key.buffer).getUint32(0, true)).toBe(i);
        expect(value).toEqual(values.subarray(i * 12, (i + 1) * 12));
      });
      expect(sorted(entries)).toEqual(sorted(walkOf(map)));
    } finally {
      map.close();
    }
  });

  it('a hash map from keys and values (more than one batch) reads back the same pairs, as the per-entry walk does', () => {
    const count = 5000;
    const keys = new Uint8Array(count * 8);
    const view = new DataView(keys.buffer);
    for (let i = 0; i < count; i++) view.setBigInt64(i * 8, BigInt(i) * 1_000_003n - 77n, true);
    const values = new Uint8Array(count * 8).map((_, i) => (i * 13) & 0xff);
    const map = KernelMap.create({ name: 'build1', type: 'hash', keySize: 8, valueSize: 8, maxEntries: count, flags: 0, readOnly: true, contents: { keys, values } });
    try {
      const expected = Array.from({ length: count }, (_, i): [Uint8Array, Uint8Array] => [keys.slice(i * 8, (i + 1) * 8), values.slice(i * 8, (i + 1) * 8)]);
      expect(sorted(map.entries())).toEqual(sorted(expected));
      expect(sorted(walkOf(map))).toEqual(sorted(expected));
    } finally {
      map.close();
    }
  });
});
