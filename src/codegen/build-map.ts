// A join build side's map: the array-or-hash choice, and the contents the probe node loads (the value layout is layout.ts's buildMapLayout).
import type { MapSpec } from '../asm/program.js';
import type { JoinBuild } from '../sql/plan.js';
import type { Value } from '../values/types.js';
import { buildMapLayout, type BuildMapLayout } from './layout.js';
import { formatCount } from '../util/count.js';

/**
 * ARRAY_DENSITY: keys are dense, and the map an array indexed by key, when the key range 0..max holds at
 * most this many slots per row (at least 1 in 4 slots used); sparser keys go to a hash map.
 */
export const ARRAY_DENSITY = 4;
/** MAX_ARRAY_ENTRIES bounds an array map's slots (the probe node allocates every one). */
export const MAX_ARRAY_ENTRIES = 1 << 23;

/** BuildMap is a build side's map ready to load: its spec (with contents), its layout, and why it has its type. */
export interface BuildMap {
  readonly spec: MapSpec;
  readonly layout: BuildMapLayout;
  readonly rows: number;
  readonly reason: string;
}

/**
 * BuildEntries are a build side's rows as map values of its layout (bit 0 of byte 0 set in each), as a
 * build program leaves them: a block of values by key from 0 (absent keys are zero), and pairs of
 * 8-byte signed keys and values for the keys past the block.
 */
export interface BuildEntries {
  readonly block: Uint8Array;
  readonly keys: Uint8Array;
  readonly values: Uint8Array;
}

/**
 * buildMap chooses the map for a build side's entries and encodes its contents: an array map indexed
 * by key when keys are dense (see ARRAY_DENSITY), a hash map otherwise. An array map's contents are
 * its values from key 0 on, or its present keys and their values when that is fewer bytes. Its name is
 * `build<index>`; the program reads it only (read-only map).
 */
export function buildMap(build: Pick<JoinBuild, 'values'>, index: number, entries: BuildEntries): BuildMap {
  const layout = buildMapLayout(build);
  const size = layout.valueSize;
  const { block } = entries;
  const pairKeys = new DataView(entries.keys.buffer, entries.keys.byteOffset, entries.keys.byteLength);
  const pairs = entries.keys.length / 8;
  let blockCount = 0;
  let blockMin = -1;
  let blockMax = -1;
  for (let key = 0, at = 0; at < block.length; key++, at += size) {
    if (block[at] === 0) continue;
    if (blockCount++ === 0) blockMin = key;
    blockMax = key;
  }
  const count = blockCount + pairs;
  let min = blockCount > 0 ? BigInt(blockMin) : undefined;
  let max = BigInt(blockMax);
  for (let i = 0; i < pairs; i++) {
    const key = pairKeys.getBigInt64(i * 8, true);
    if (key > max) max = key;
    if (min === undefined || key < min) min = key;
  }
  const span = max + 1n;
  const dense = min !== undefined && min >= 0n && span <= BigInt(MAX_ARRAY_ENTRIES) && span <= BigInt(count * ARRAY_DENSITY);
  let contents: NonNullable<MapSpec['contents']>;
  if (dense && Number(span) * size <= count * (4 + size)) {
    const values = pairs === 0 && block.length >= Number(span) * size ? block.subarray(0, Number(span) * size) : new Uint8Array(Number(span) * size);
    if (values.buffer !== block.buffer) {
      values.set(block.subarray(0, Math.min(block.length, values.length)));
      for (let i = 0; i < pairs; i++) values.set(entries.values.subarray(i * size, (i + 1) * size), Number(pairKeys.getBigInt64(i * 8, true)) * size);
    }
    contents = { values };
  } else {
    const keySize = dense ? 4 : 8;
    const keyBytes = new Uint8Array(count * keySize);
    const view = new DataView(keyBytes.buffer);
    const values = new Uint8Array(count * size);
    let n = 0;
    const add = (key: bigint, value: Uint8Array) => {
      if (dense) view.setUint32(n * 4, Number(key), true);
      else view.setBigInt64(n * 8, key, true);
      values.set(value, n * size);
      n++;
    };
    for (let key = 0, at = 0; at < block.length; key++, at += size) if (block[at] !== 0) add(BigInt(key), block.subarray(at, at + size));
    for (let i = 0; i < pairs; i++) add(pairKeys.getBigInt64(i * 8, true), entries.values.subarray(i * size, (i + 1) * size));
    contents = { keys: keyBytes, values };
  }
  const what = `${formatCount(count)} keys`;
  const reason = count === 0
    ? 'hash map: no row passed the build side\'s filter'
    : dense
      ? `array map: ${what} in ${min}..${max}, indexed by key, dense (at least 1 in ${ARRAY_DENSITY} of its ${span} slots used)`
      : (min ?? 0n) < 0n
        ? `hash map: ${what}, some negative`
        : `hash map: ${what} in ${min}..${max}, sparse (fewer than 1 in ${ARRAY_DENSITY} slots of an array would be used${span > BigInt(MAX_ARRAY_ENTRIES) ? `, or more than ${formatCount(MAX_ARRAY_ENTRIES)} slots` : ''})`;
  return {
    spec: {
      name: `build${index}`,
      type: dense ? 'array' : 'hash',
      keySize: dense ? 4 : 8,
      valueSize: size,
      maxEntries: dense ? Number(span) : Math.max(1, count),
      flags: 0,
      readOnly: true,
      contents,
    },
    layout,
    rows: count,
    reason,
  };
}

/** rowEntries encodes rows (key -> values in JoinBuild.values order, as the csv-parse baseline finds them) as pairs of the map's layout. */
export function rowEntries(build: Pick<JoinBuild, 'values'>, rows: ReadonlyMap<bigint, readonly Value[]>): BuildEntries {
  const layout = buildMapLayout(build);
  const keys = new Uint8Array(rows.size * 8);
  const values = new Uint8Array(rows.size * layout.valueSize);
  const keyView = new DataView(keys.buffer);
  const valueView = new DataView(values.buffer);
  let n = 0;
  for (const [key, row] of rows) {
    keyView.setBigInt64(n * 8, key, true);
    encodeValue(layout, row, valueView, n * layout.valueSize);
    n++;
  }
  return { block: new Uint8Array(0), keys, values };
}

function encodeValue(layout: BuildMapLayout, row: readonly Value[], view: DataView, at: number): void {
  view.setUint8(at, view.getUint8(at) | 1);
  layout.slots.forEach((slot, i) => {
    const value = row[i];
    if (value === null || value === undefined) {
      if (slot.nullBit === undefined) throw new RangeError(`build value #${i} is NULL but its map value has no NULL bit`);
      view.setUint8(at + slot.nullBit.offset, view.getUint8(at + slot.nullBit.offset) | (1 << slot.nullBit.bit));
      return;
    }
    if (slot.kind === 'flag') {
      if (value === 1n) view.setUint8(at + slot.offset, view.getUint8(at + slot.offset) | (1 << (slot.bit ?? 0)));
    } else if (slot.kind === 'word') view.setBigInt64(at + slot.offset, value as bigint, true);
    else {
      const bytes = Buffer.from(value as string, 'latin1');
      view.setBigUint64(at + slot.offset, BigInt(bytes.length), true);
      new Uint8Array(view.buffer, view.byteOffset + at + slot.offset + 8, Math.min(bytes.length, slot.width ?? 0)).set(bytes.subarray(0, slot.width));
    }
  });
}
