// Map definitions of an object: BTF-defined maps (.maps), legacy struct bpf_map_def (maps) and global data sections.
import { mapTypeName, type MapSpec } from '../asm/program.js';
import { Btf, BtfFormatError, BtfKind } from './btf.js';
import { ElfError } from './errors.js';
import { sectionBytes, SectionFlag, SymbolType, type ElfFile, type ElfSymbol, type Section } from './reader.js';

/** MapRef is what a relocation against a map-holding section resolves to. */
export type MapRef = { kind: 'map'; index: number } | { kind: 'data'; index: number; offset: number };

/** ObjectMaps is every map of an object, in a deterministic order, and a way to resolve references. */
export interface ObjectMaps {
  readonly maps: readonly MapSpec[];
  /** resolve maps a byte offset in a section to a map reference, or undefined if the section holds no maps. */
  resolve(section: number, offset: number): MapRef | undefined;
}

/** LEGACY_MAP_DEF_BYTES is sizeof(struct bpf_map_def): type, key_size, value_size, max_entries, map_flags. */
const LEGACY_MAP_DEF_BYTES = 20;
/** LEGACY_MAPS_SECTION and BTF_MAPS_SECTION are the section names map definitions live in. */
export const LEGACY_MAPS_SECTION = 'maps';
export const BTF_MAPS_SECTION = '.maps';

/** DATA_SECTION_NAME matches the names of sections that hold global variables (.data, .rodata*, .bss*). */
export const DATA_SECTION_NAME = /^\.(data|rodata|bss)(\.|$)/;

/** isDataSection tells whether a section holds global variables: allocated, not code, a data name, not empty. */
function isDataSection(s: Section): boolean {
  return (s.flags & SectionFlag.ALLOC) !== 0 && (s.flags & SectionFlag.EXECINSTR) === 0 && DATA_SECTION_NAME.test(s.name) && s.size > 0;
}

/**
 * readMaps collects the maps of an object in section order, each section's maps by offset:
 * one map per symbol in `.maps` or `maps`, one single-entry array per global data section.
 */
export function readMaps(elf: ElfFile): ObjectMaps {
  const maps: MapSpec[] = [];
  const bySection = new Map<number, { data: boolean; starts: Map<number, number> }>();
  let btf: Btf | undefined;
  for (const section of elf.sections) {
    if (section.name === BTF_MAPS_SECTION || section.name === LEGACY_MAPS_SECTION) {
      const starts = new Map<number, number>();
      for (const sym of symbolsIn(elf, section)) {
        if (starts.has(sym.value)) continue;
        starts.set(sym.value, maps.length);
        if (section.name === BTF_MAPS_SECTION) {
          btf ??= loadBtf(elf);
          maps.push(btfMap(elf, btf, sym));
        } else {
          maps.push(legacyMap(elf, section, sym));
        }
      }
      bySection.set(section.index, { data: false, starts });
    } else if (isDataSection(section)) {
      if (elf.relocations.has(section.index)) {
        throw new ElfError(elf.file, `section '${section.name}'`, 'global variables initialised with addresses (relocated data) are not supported');
      }
      bySection.set(section.index, { data: true, starts: new Map([[0, maps.length]]) });
      maps.push({
        name: section.name,
        type: 'array',
        keySize: 4,
        valueSize: section.size,
        maxEntries: 1,
        flags: 0,
        initialValue: sectionBytes(elf, section).slice(),
        ...(section.name.startsWith('.rodata') ? { readOnly: true } : {}),
      });
    }
  }
  return {
    maps,
    resolve(sectionIndex, offset) {
      const entry = bySection.get(sectionIndex);
      if (!entry) return undefined;
      if (entry.data) {
        const index = entry.starts.get(0)!;
        if (offset < 0 || offset > maps[index]!.valueSize) {
          throw new ElfError(elf.file, `section '${elf.sections[sectionIndex]!.name}'`, `reference to offset ${offset} is outside the section`);
        }
        return { kind: 'data', index, offset };
      }
      const index = entry.starts.get(offset);
      if (index === undefined) {
        throw new ElfError(elf.file, `section '${elf.sections[sectionIndex]!.name}'`, `no map definition starts at offset ${offset}`);
      }
      return { kind: 'map', index };
    },
  };
}

/** symbolsIn returns the named object symbols of a section, sorted by value then name. */
function symbolsIn(elf: ElfFile, section: Section): ElfSymbol[] {
  return elf.symbols
    .filter((s) => s.section === section.index && s.name !== '' && (s.type === SymbolType.OBJECT || s.type === SymbolType.NOTYPE))
    .sort((a, b) => a.value - b.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function loadBtf(elf: ElfFile): Btf {
  const section = elf.sections.find((s) => s.name === '.BTF');
  if (!section) throw new ElfError(elf.file, `section '${BTF_MAPS_SECTION}'`, 'BTF-defined maps need a .BTF section (compile with -g)');
  try {
    return Btf.parse(sectionBytes(elf, section));
  } catch (err) {
    throw btfError(elf, "section '.BTF'", err);
  }
}

function btfError(elf: ElfFile, where: string, err: unknown): ElfError {
  if (err instanceof BtfFormatError) return new ElfError(elf.file, where, err.message, { cause: err });
  throw err;
}

/** btfMap reads one map struct: __uint(type|max_entries|map_flags|key_size|value_size) and __type(key|value). */
function btfMap(elf: ElfFile, btf: Btf, sym: ElfSymbol): MapSpec {
  const where = `map '${sym.name}'`;
  try {
    const datasec = btf.find(BtfKind.DATASEC, BTF_MAPS_SECTION);
    const variable = datasec?.members.map((m) => btf.get(m.type)).find((v) => v.kind === BtfKind.VAR && v.name === sym.name);
    if (!variable) throw new ElfError(elf.file, where, 'no BTF variable describes this map in the .maps data section');
    const struct = btf.skipModifiers(variable.sizeOrType);
    if (struct.kind !== BtfKind.STRUCT) throw new ElfError(elf.file, where, 'the map variable is not a struct');
    const fields = new Map<string, number>();
    for (const member of struct.members) {
      const pointer = btf.skipModifiers(member.type);
      if (pointer.kind !== BtfKind.PTR) throw new ElfError(elf.file, where, `member '${member.name}' is not a __uint or __type pointer`);
      if (member.name === 'key' || member.name === 'value') {
        fields.set(`${member.name}_size`, btf.sizeOf(pointer.sizeOrType));
        continue;
      }
      const array = btf.skipModifiers(pointer.sizeOrType);
      if (array.kind !== BtfKind.ARRAY) throw new ElfError(elf.file, where, `member '${member.name}' is not a __uint(...)`);
      fields.set(member.name, array.nelems ?? 0);
    }
    for (const name of fields.keys()) {
      if (!['type', 'key_size', 'value_size', 'max_entries', 'map_flags'].includes(name)) {
        throw new ElfError(elf.file, where, `map attribute '${name}' is not supported`);
      }
    }
    return mapSpec(elf, sym.name, fields.get('type'), fields.get('key_size'), fields.get('value_size'), fields.get('max_entries'), fields.get('map_flags') ?? 0);
  } catch (err) {
    if (err instanceof ElfError) throw err;
    throw btfError(elf, where, err);
  }
}

/** legacyMap reads one struct bpf_map_def at the symbol's offset in the `maps` section. */
function legacyMap(elf: ElfFile, section: Section, sym: ElfSymbol): MapSpec {
  const where = `map '${sym.name}'`;
  const bytes = sectionBytes(elf, section);
  if (sym.value + LEGACY_MAP_DEF_BYTES > bytes.length) {
    throw new ElfError(elf.file, where, `struct bpf_map_def at offset ${sym.value} runs past the end of section '${section.name}'`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + sym.value, LEGACY_MAP_DEF_BYTES);
  const field = (i: number) => view.getUint32(i * 4, true);
  return mapSpec(elf, sym.name, field(0), field(1), field(2), field(3), field(4));
}

function mapSpec(
  elf: ElfFile,
  name: string,
  typeId: number | undefined,
  keySize: number | undefined,
  valueSize: number | undefined,
  maxEntries: number | undefined,
  flags: number,
): MapSpec {
  const where = `map '${name}'`;
  if (typeId === undefined) throw new ElfError(elf.file, where, 'the map has no type');
  const type = mapTypeName(typeId);
  if (!type) throw new ElfError(elf.file, where, `map type ${typeId} is not supported (Sluice has hash, array, percpu_array, lru_hash)`);
  if (!keySize || !valueSize || !maxEntries) {
    throw new ElfError(elf.file, where, 'key size, value size and max entries must all be given and above zero');
  }
  return { name, type, keySize, valueSize, maxEntries, flags };
}

