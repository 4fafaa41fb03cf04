// A join's build side program: each row that passes the filter fills its key's entry (array or hash map), in the probe's value layout, or stops on a second row with that key.
import { R0, R1 } from '../asm/builder.js';
import type { JoinBuild } from '../sql/plan.js';
import { REG, emitFatal, unsupported, type Gen } from './context.js';
import { emitInsertZeroed, emitKeyLookup } from './keyed-entry.js';
import type { Label } from './emitter.js';
import { emitValue } from './expr.js';
import { FatalCode, buildMapLayout, slotOf } from './layout.js';
import { emitCapturedInFull } from './strings.js';
import { emitNullCheck, emitStringNullCheck } from './nulls.js';

/** EEXIST is the errno map_update_elem returns (negated) for a key already present under BPF_NOEXIST. */
const EEXIST = 17;

/**
 * KeyedMap is what a build side's program fills: an array map indexed by key for the keys below
 * `arrayEntries`, and a hash map of 8-byte keys (at most `hashEntries`) for the others, negative ones included.
 */
export interface KeyedMap {
  readonly arrayEntries: number;
  readonly hashEntries: number;
}

/**
 * emitKeyedRow puts the row's key at the group key's place (which, after a fatal stop, names the key
 * on the compute node), finds the key's entry and fills it: bit 0 (present), the flags' bits, words
 * and strings (see buildMapLayout). An array entry whose bit 0 is set, or a hash key already present,
 * is a second row with the key (FatalCode.duplicateKey); a full hash map is FatalCode.groupsFull.
 * Then jumps to `done`. Uses r0..r5 and r8.
 */
export function emitKeyedRow(g: Gen, build: JoinBuild, map: KeyedMap, done: Label): void {
  const { e, layout } = g;
  const key = slotOf(layout, build.key.column);
  if (key === undefined) throw unsupported(g, `a build key ${build.key.name} that is not decoded`, build.at);
  if (g.keyedHashMap === undefined) throw new RangeError('codegen: a build side\'s program without its hash map');
  const found = e.label('entry_found');
  const hashed = e.label('key_hashed');
  e.comment(`build side: the entry of ${build.key.name}, in the array below ${map.arrayEntries}, else in the hash map; a NULL key joins no row`);
  emitNullCheck(g, build.key.column, build.key.name, done);
  e.load('DW', R0, REG.state, key.offset);
  e.store('DW', REG.state, layout.keyOffset, R0);
  e.constant(R1, BigInt(map.arrayEntries));
  e.jumpReg('JGE', R0, R1, hashed);
  emitKeyLookup(g, g.aggMap);
  e.jumpImm('JEQ', R0, 0, hashed);
  e.load('B', R1, R0, 0);
  e.jumpImm('JEQ', R1, 0, found);
  emitFatal(g, FatalCode.duplicateKey);
  e.bind(hashed);
  const inserted = e.label('entry_inserted');
  emitInsertZeroed(g, g.keyedHashMap);
  e.jumpImm('JEQ', R0, 0, inserted);
  const full = e.label('map_full');
  e.jumpImm('JNE', R0, -EEXIST, full);
  emitFatal(g, FatalCode.duplicateKey);
  e.bind(full);
  emitFatal(g, FatalCode.groupsFull);
  e.bind(inserted);
  emitKeyLookup(g, g.keyedHashMap);
  e.jumpImm('JNE', R0, 0, found);
  emitFatal(g, FatalCode.groupsFull);
  e.bind(found);
  e.movReg(REG.group, R0);
  emitFill(g, build);
  e.goto(done);
}

/** emitFill writes the build values into the entry at r8 (all zero before); a NULL value sets its NULL bit and leaves its bytes 0. */
function emitFill(g: Gen, build: JoinBuild): void {
  const { e, layout } = g;
  const value = buildMapLayout(build);
  e.comment('present');
  e.storeImm('B', REG.group, 0, 1);
  build.values.forEach((entry, i) => {
    const slot = value.slots[i];
    if (slot === undefined) throw unsupported(g, `build value #${i} without a slot`, build.at);
    const isNull = slot.nullBit === undefined ? undefined : e.label('value_null');
    if (slot.kind === 'flag') {
      e.comment(`flag ${entry.name}: bit ${slot.bit} of byte ${slot.offset}`);
      emitValue(g, entry.expr, 0, isNull);
      if (slot.bit) e.aluImm('LSH', R0, slot.bit);
      emitOrByte(g, slot.offset);
    } else if (slot.kind === 'word') {
      e.comment(`value ${entry.name}`);
      emitValue(g, entry.expr, 0, isNull);
      e.store('DW', REG.group, slot.offset, R0);
    } else {
      const column = entry.expr.kind === 'column' ? slotOf(layout, entry.expr.column) : undefined;
      if (column?.codec.kind !== 'string' || column.bytes === undefined) throw unsupported(g, `a string build value other than a column (${entry.name})`, build.at);
      e.comment(`string ${entry.name}`);
      emitStringNullCheck(g, entry.expr, isNull);
      const width = Math.min(slot.width ?? 0, (column.codec.width + 7) & ~7);
      emitCapturedInFull(g, column.offset, column.codec.width);
      const fits = e.label('string_fits');
      e.load('DW', R1, REG.state, column.offset);
      e.jumpImm('JLE', R1, slot.width ?? 0, fits);
      emitFatal(g, FatalCode.stringTooLong);
      e.bind(fits);
      e.store('DW', REG.group, slot.offset, R1);
      for (let at = 0; at < width; at += 8) {
        e.load('DW', R1, REG.state, column.bytes + at);
        e.store('DW', REG.group, slot.offset + 8 + at, R1);
      }
    }
    // A value whose code never jumps to isNull (no operand NULL in fact) has no NULL code: it would never run.
    if (isNull === undefined || slot.nullBit === undefined || !e.isJumpedTo(isNull)) return;
    const filled = e.label('value_filled');
    e.goto(filled);
    e.bind(isNull);
    e.comment(`${entry.name} is NULL: bit ${slot.nullBit.bit} of byte ${slot.nullBit.offset}`);
    e.constant(R0, BigInt(1 << slot.nullBit.bit));
    emitOrByte(g, slot.nullBit.offset);
    e.bind(filled);
  });
}

/** emitOrByte ORs r0 into the entry's byte at `offset`. Clobbers r1. */
function emitOrByte(g: Gen, offset: number): void {
  g.e.load('B', R1, REG.group, offset);
  g.e.aluReg('OR', R1, R0);
  g.e.store('B', REG.group, offset, R1);
}
