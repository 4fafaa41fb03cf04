// A join build side's map: the value layout, the array-or-hash choice, and the contents the probe node loads.
import type { MapSpec } from '../asm/program.js';
import type { JoinBuild } from '../sql/plan.js';
import type { Value } from '../values/types.js';
import { isFlag } from '../sql/join-plan.js';
import { STRING_CAP } from './layout.js';
import { formatCount } from '../util/count.js';

/**
 * ARRAY_DENSITY: keys are dense, and the map an array indexed by key, when the key range 0..max holds at
 * most this many slots per row (at least 1 in 4 slots used); sparser keys go to a hash map.
 */
export const ARRAY_DENSITY = 4;
/** MAX_ARRAY_ENTRIES bounds an array map's slots (the probe node allocates every one). */
export const MAX_ARRAY_ENTRIES = 1 << 23;

/** BuildValueSlot is where one build value sits in the map value. */
export interface BuildValueSlot {
  readonly offset: number;
  readonly kind: 'flag' | 'word' | 'string';
  /** Strings: bytes after the 8-byte length word. */
  readonly width?: number;
}

/**
 * BuildMapLayout is the value of a build side's map: byte 0 is 1 for a present key (an array map's
 * absent keys read 0), then one byte per flag, then 8-byte words for numbers and dates, then strings
 * (an 8-byte length and the bytes).
 */
export interface BuildMapLayout {
  readonly slots: readonly BuildValueSlot[];
  readonly valueSize: number;
}

/** buildMapLayout lays out the map value of `build`. */
export function buildMapLayout(build: JoinBuild): BuildMapLayout {
  const slots: BuildValueSlot[] = new Array<BuildValueSlot>(build.values.length);
  let at = 1;
  build.values.forEach((value, i) => {
    if (isFlag(value.expr)) slots[i] = { offset: at++, kind: 'flag' };
  });
  const wide = build.values.some((value) => !isFlag(value.expr));
  if (wide) at = (at + 7) & ~7;
  build.values.forEach((value, i) => {
    const type = value.expr.type;
    if (isFlag(value.expr)) return;
    if (type.kind === 'char' || type.kind === 'varchar') {
      const width = (((type.kind === 'char' ? type.length : type.length ?? STRING_CAP) + 7) & ~7);
      slots[i] = { offset: at, kind: 'string', width };
      at += 8 + width;
    } else {
      slots[i] = { offset: at, kind: 'word' };
      at += 8;
    }
  });
  return { slots, valueSize: at };
}

/** BuildMap is a build side's map ready to load: its spec (with contents), its layout, and why it has its type. */
export interface BuildMap {
  readonly spec: MapSpec;
  readonly layout: BuildMapLayout;
  readonly rows: number;
  readonly reason: string;
}

/**
 * buildMap chooses the map for a build side's rows (key -> values in JoinBuild.values order) and
 * encodes its contents: an array map indexed by key when keys are dense (see ARRAY_DENSITY), a hash
 * map otherwise. Its name is `build<index>`; the program reads it only (read-only map).
 */
export function buildMap(build: JoinBuild, index: number, rows: ReadonlyMap<bigint, readonly Value[]>): BuildMap {
  const layout = buildMapLayout(build);
  let max = -1n;
  let min: bigint | undefined;
  for (const key of rows.keys()) {
    if (key > max) max = key;
    if (min === undefined || key < min) min = key;
  }
  const count = rows.size;
  const span = max + 1n;
  const dense = min !== undefined && min >= 0n && span <= BigInt(MAX_ARRAY_ENTRIES) && span <= BigInt(count * ARRAY_DENSITY);
  const keySize = dense ? 4 : 8;
  const keys = new Uint8Array(count * keySize);
  const values = new Uint8Array(count * layout.valueSize);
  const keyView = new DataView(keys.buffer);
  const valueView = new DataView(values.buffer);
  let n = 0;
  for (const [key, row] of rows) {
    if (dense) keyView.setUint32(n * 4, Number(key), true);
    else keyView.setBigInt64(n * 8, key, true);
    encodeValue(layout, row, valueView, n * layout.valueSize);
    n++;
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
      keySize,
      valueSize: layout.valueSize,
      maxEntries: dense ? Number(span) : Math.max(1, count),
      flags: 0,
      readOnly: true,
      contents: { keys, values },
    },
    layout,
    rows: count,
    reason,
  };
}

function encodeValue(layout: BuildMapLayout, row: readonly Value[], view: DataView, at: number): void {
  view.setUint8(at, 1);
  layout.slots.forEach((slot, i) => {
    const value = row[i];
    if (slot.kind === 'flag') view.setUint8(at + slot.offset, value === 1n ? 1 : 0);
    else if (slot.kind === 'word') view.setBigInt64(at + slot.offset, value as bigint, true);
    else {
      const bytes = Buffer.from(value as string, 'latin1');
      view.setBigUint64(at + slot.offset, BigInt(bytes.length), true);
      new Uint8Array(view.buffer, view.byteOffset + at + slot.offset + 8, Math.min(bytes.length, slot.width ?? 0)).set(bytes.subarray(0, slot.width));
    }
  });
}
