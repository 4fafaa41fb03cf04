// The plain, deterministic description of a program and its maps, as loaders and builders produce it.
import type { Instruction } from './instruction.js';

/** MapType names the map kinds Sluice implements, with Linux's BPF_MAP_TYPE_* numbers. */
export const MapType = {
  hash: 1,
  array: 2,
  percpu_array: 6,
  lru_hash: 9,
} as const;
export type MapTypeName = keyof typeof MapType;

/** mapTypeName returns the name of a Linux map type number, or undefined if Sluice lacks it. */
export function mapTypeName(id: number): MapTypeName | undefined {
  for (const [name, value] of Object.entries(MapType)) if (value === id) return name as MapTypeName;
  return undefined;
}

/**
 * MapSpec describes a map before it exists. Global data sections (.data, .rodata, .bss)
 * are single-entry array maps (key size 4) whose `initialValue` is the section's bytes.
 */
export interface MapSpec {
  readonly name: string;
  readonly type: MapTypeName;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  /** Bytes of entry 0 at creation (global data). */
  readonly initialValue?: Uint8Array;
  /** True for .rodata: the program may not write it. */
  readonly readOnly?: boolean;
  /**
   * Entries at creation (a join's build side): `keys` packs keySize bytes per entry, `values`
   * valueSize bytes per entry, in the same order. An array map's keys are u32 indexes below maxEntries;
   * without `keys`, an array map's `values` are those of entries 0, 1, 2, ... in turn.
   */
  readonly contents?: { readonly keys?: Uint8Array; readonly values: Uint8Array };
  /**
   * True for an array map whose contents the storage node returns as one block of values (entries 0,
   * 1, 2, ...; see encodeResult) rather than as key/value pairs: a join's build side, which fills one
   * entry per key. Linux never sees this bit.
   */
  readonly returnsBlock?: boolean;
}

/**
 * ProgramSpec is a program ready to verify and load. Map references are lddw instructions
 * with src PseudoSrc.MAP_FD (imm = index into `maps`) or PseudoSrc.MAP_VALUE (imm = index,
 * imm2 = byte offset into the value). Sub-programs follow the entry function in `insns`;
 * local calls and PseudoSrc.FUNC loads hold slot offsets relative to the next slot.
 */
export interface ProgramSpec {
  /** Entry function name (e.g. "csv_scan"), or a name given by the builder. */
  readonly name: string;
  /** ELF section or program type hint (e.g. "xdp"). */
  readonly section: string;
  readonly insns: readonly Instruction[];
  readonly maps: readonly MapSpec[];
  readonly license: string;
  /** Optional comment per slot index, shown by the disassembler (e.g. which query part emitted it). */
  readonly comments?: ReadonlyMap<number, string>;
}
