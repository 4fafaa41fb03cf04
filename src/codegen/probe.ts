// The probe side of a join: find the row's key in a build side's map, drop the row without a match, copy the build values into the row.
import { R0, R1, R2 } from '../asm/builder.js';
import { HelperId } from '../asm/helpers.js';
import type { LookupExpr } from '../sql/plan.js';
import { REG, unsupported, type Gen } from './context.js';
import type { Label } from './emitter.js';
import { slotOf } from './layout.js';

/**
 * emitLookup jumps to `miss` unless the row's key is in the build map: an array map is indexed by the
 * key as a u32 (a key outside 0..maxEntries-1, negative ones included, has no match and is not looked
 * up), a hash map by the key's 8 bytes; an array slot no build row filled reads 0 in its first byte (a present one has bit 0 set).
 * On a match the values are copied into their layout slots, where expressions read them as columns, and
 * each NULL bit into its value's NULL byte.
 * Uses r0..r2.
 */
export function emitLookup(g: Gen, expr: LookupExpr, miss: Label): void {
  const { e, layout } = g;
  const map = g.buildMaps[expr.build];
  const key = slotOf(layout, expr.key.column);
  const slots = layout.lookups[expr.build];
  if (map === undefined || key === undefined || slots === undefined) throw unsupported(g, `build side #${expr.build} without its map`, undefined);
  e.comment(`join: look ${expr.key.name} up in ${map.type} map #${map.index}; drop the row without a match`);
  e.load('DW', R0, REG.state, key.offset);
  if (map.type === 'array') {
    e.constant(R1, BigInt(map.maxEntries));
    e.jumpReg('JGE', R0, R1, miss);
    e.store('W', REG.state, layout.lookupKey, R0);
  } else {
    e.store('DW', REG.state, layout.lookupKey, R0);
  }
  e.mapRef(R1, map.index);
  e.movReg(R2, REG.state);
  e.aluImm('ADD', R2, layout.lookupKey);
  e.call(HelperId.map_lookup_elem);
  e.jumpImm('JEQ', R0, 0, miss);
  e.load('B', R1, R0, 0);
  e.jumpImm('JEQ', R1, 0, miss);
  map.layout.slots.forEach((from, i) => {
    const to = slots[i];
    if (to === undefined) throw unsupported(g, `build value #${i} without a slot`, undefined);
    if (from.nullBit !== undefined && to.nullFlag !== undefined) {
      // The value's NULL bit becomes its NULL byte, which expressions test as they test a decoded column's.
      e.load('B', R1, R0, from.nullBit.offset);
      if (from.nullBit.bit) e.aluImm('RSH', R1, from.nullBit.bit);
      e.aluImm('AND', R1, 1);
      e.store('B', REG.state, to.nullFlag, R1);
    }
    if (from.kind === 'flag') {
      e.load('B', R1, R0, from.offset);
      if (from.bit) e.aluImm('RSH', R1, from.bit);
      e.aluImm('AND', R1, 1);
      e.store('DW', REG.state, to.offset, R1);
      return;
    }
    e.load('DW', R1, R0, from.offset);
    e.store('DW', REG.state, to.offset, R1);
    for (let at = 0; from.kind === 'string' && at < (from.width ?? 0); at += 8) {
      e.load('DW', R1, R0, from.offset + 8 + at);
      e.store('DW', REG.state, (to.bytes as number) + at, R1);
    }
  });
}
