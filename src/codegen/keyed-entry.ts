// The two helper calls on a map entry keyed by the row's key in the state map (a group, or a join build side's entry).
import { R1, R2, R3, R4 } from '../asm/builder.js';
import { HelperId } from '../asm/helpers.js';
import { REG, type Gen } from './context.js';

/** BPF_NOEXIST is map_update_elem's flag for "insert only". */
const BPF_NOEXIST = 1;

/** emitKeyLookup calls map_lookup_elem on `map` with the key at the state map's key offset: r0 is the entry or 0. */
export function emitKeyLookup(g: Gen, map: number): void {
  const { e } = g;
  e.mapRef(R1, map);
  e.movReg(R2, REG.state);
  e.aluImm('ADD', R2, g.layout.keyOffset);
  e.call(HelperId.map_lookup_elem);
}

/** emitInsertZeroed calls map_update_elem(BPF_NOEXIST) on `map` with that key and the state map's zeroed value: r0 is 0 or -errno. */
export function emitInsertZeroed(g: Gen, map: number): void {
  const { e, layout } = g;
  e.mapRef(R1, map);
  e.movReg(R2, REG.state);
  e.aluImm('ADD', R2, layout.keyOffset);
  e.movReg(R3, REG.state);
  e.aluImm('ADD', R3, layout.zeroValue);
  e.movImm(R4, BPF_NOEXIST);
  e.call(HelperId.map_update_elem);
}
