// Bounds-checked parsing of an ELF64 little-endian eBPF relocatable object: header, sections, symbols, relocations.
import { ElfError, hexOffset } from './errors.js';

/** ELF constants the loader and writer share (values from the ELF64 specification). */
export const Elf = {
  MAGIC: [0x7f, 0x45, 0x4c, 0x46],
  CLASS64: 2,
  DATA_LE: 1,
  VERSION: 1,
  TYPE_REL: 1,
  MACHINE_BPF: 247,
  HEADER_SIZE: 64,
  SECTION_HEADER_SIZE: 64,
  SYMBOL_SIZE: 24,
  REL_SIZE: 16,
} as const;

/** MAX_NOBITS_BYTES bounds a .bss-style section, which occupies no file bytes, so a corrupt size cannot exhaust memory. */
const MAX_NOBITS_BYTES = 64 * 1024 * 1024;

/** SectionType holds the sh_type values Sluice reads or writes. */
export const SectionType = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;

/** SectionFlag holds the sh_flags bits Sluice reads or writes. */
export const SectionFlag = { WRITE: 1, ALLOC: 2, EXECINSTR: 4 } as const;

/** SymbolType holds the st_info low-nibble values Sluice reads or writes. */
export const SymbolType = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;

/** SymbolBind holds the st_info high-nibble values Sluice writes. */
export const SymbolBind = { LOCAL: 0, GLOBAL: 1 } as const;

/** RelocationType holds the eBPF relocation types that may appear in program sections. */
export const RelocationType = { BPF_64_64: 1, BPF_64_32: 10 } as const;

/** Section is one section header with its resolved name. */
export interface Section {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

/** ElfSymbol is one symbol table entry with its resolved name. */
export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly bind: number;
  readonly section: number;
  readonly value: number;
  readonly size: number;
}

/** Relocation is one REL entry: a byte offset in the target section, a type and a symbol index. */
export interface Relocation {
  readonly offset: number;
  readonly type: number;
  readonly symbol: number;
}

/** ElfFile is a parsed object: every section, the symbol table and the REL sections by target section. */
export interface ElfFile {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly sections: readonly Section[];
  readonly symbols: readonly ElfSymbol[];
  /** Relocations for each allocated section (code, maps, data) that has a REL section. */
  readonly relocations: ReadonlyMap<number, readonly Relocation[]>;
}

/** parseElf reads and checks the structure of an object file; throws ElfError for anything malformed. */
export function parseElf(bytes: Uint8Array, file: string): ElfFile {
  const r = new ByteReader(bytes, file);
  checkHeader(r);
  const shoff = r.u64(0x28, 'section header offset');
  const shentsize = r.u16(0x3a);
  const shnum = r.u16(0x3c);
  const shstrndx = r.u16(0x3e);
  if (shnum === 0) throw r.fail(0x3c, 'the file has no section headers');
  if (shentsize !== Elf.SECTION_HEADER_SIZE) {
    throw r.fail(0x3a, `section header size is ${shentsize}, expected ${Elf.SECTION_HEADER_SIZE}`);
  }
  r.need(shoff, shnum * shentsize, `${shnum} section headers`);
  const raw = Array.from({ length: shnum }, (_, i) => readSectionHeader(r, shoff + i * shentsize, i));
  if (shstrndx >= shnum) throw r.fail(0x3e, `section name table index ${shstrndx} is not below ${shnum}`);
  const names = raw[shstrndx]!;
  const sections = raw.map((s) => ({ ...s, name: r.string(names, s.nameOffset, `name of section #${s.index}`) }));
  for (const s of sections) {
    if (s.type !== SectionType.NOBITS) r.need(s.offset, s.size, `contents of section '${s.name}'`);
    else if (s.size > MAX_NOBITS_BYTES) throw r.fail(shoff + s.index * shentsize + 32, `section '${s.name}' claims ${s.size} zero bytes, more than ${MAX_NOBITS_BYTES}`);
  }
  const symbols = readSymbols(r, sections);
  const relocations = new Map<number, Relocation[]>();
  for (const s of sections) {
    if (s.type === SectionType.RELA) throw r.fail(s.offset, `section '${s.name}': RELA relocations are not used by eBPF objects`);
    if (s.type !== SectionType.REL) continue;
    if (s.info >= sections.length) throw r.fail(s.offset, `section '${s.name}' targets section #${s.info}, which does not exist`);
    // Only code and loaded data matter; debug and BTF relocations are skipped unread.
    if ((sections[s.info]!.flags & SectionFlag.ALLOC) === 0) continue;
    relocations.set(s.info, [...(relocations.get(s.info) ?? []), ...readRelocations(r, s, symbols.length)]);
  }
  return { file, bytes, sections, symbols, relocations };
}

/** sectionBytes returns a section's contents (zeros for NOBITS sections such as .bss). */
export function sectionBytes(elf: ElfFile, section: Section): Uint8Array {
  if (section.type === SectionType.NOBITS) return new Uint8Array(section.size);
  return elf.bytes.subarray(section.offset, section.offset + section.size);
}

interface RawSection extends Omit<Section, 'name'> {
  readonly nameOffset: number;
}

function checkHeader(r: ByteReader): void {
  r.need(0, Elf.HEADER_SIZE, 'ELF header');
  Elf.MAGIC.forEach((b, i) => {
    if (r.u8(i) !== b) throw r.fail(i, 'not an ELF file (bad magic number)');
  });
  if (r.u8(4) !== Elf.CLASS64) throw r.fail(4, `ELF class ${r.u8(4)} is not ELF64 (2)`);
  if (r.u8(5) !== Elf.DATA_LE) throw r.fail(5, `data encoding ${r.u8(5)} is not little-endian (1)`);
  if (r.u16(0x10) !== Elf.TYPE_REL) throw r.fail(0x10, `object type ${r.u16(0x10)} is not relocatable (1)`);
  if (r.u16(0x12) !== Elf.MACHINE_BPF) throw r.fail(0x12, `machine ${r.u16(0x12)} is not eBPF (${Elf.MACHINE_BPF})`);
}

function readSectionHeader(r: ByteReader, at: number, index: number): RawSection {
  return {
    index,
    nameOffset: r.u32(at),
    type: r.u32(at + 4),
    flags: Number(r.view.getBigUint64(at + 8, true) & 0xffffffffn),
    offset: r.u64(at + 24, `offset of section #${index}`),
    size: r.u64(at + 32, `size of section #${index}`),
    link: r.u32(at + 40),
    info: r.u32(at + 44),
    entsize: r.u64(at + 56, `entry size of section #${index}`),
  };
}

function readSymbols(r: ByteReader, sections: readonly Section[]): ElfSymbol[] {
  const tables = sections.filter((s) => s.type === SectionType.SYMTAB);
  if (tables.length === 0) return [];
  if (tables.length > 1) throw r.fail(tables[1]!.offset, 'more than one symbol table');
  const table = tables[0]!;
  if (table.link >= sections.length) throw r.fail(table.offset, `symbol table names string table #${table.link}, which does not exist`);
  const strings = sections[table.link]!;
  const count = Math.floor(table.size / Elf.SYMBOL_SIZE);
  return Array.from({ length: count }, (_, index) => {
    const at = table.offset + index * Elf.SYMBOL_SIZE;
    const info = r.u8(at + 4);
    const section = r.u16(at + 6);
    if (section >= sections.length && section < 0xff00) {
      throw r.fail(at + 6, `symbol #${index} names section #${section}, which does not exist`);
    }
    return {
      index,
      name: r.string(strings, r.u32(at), `name of symbol #${index}`),
      type: info & 0x0f,
      bind: info >> 4,
      section,
      value: r.u64(at + 8, `value of symbol #${index}`),
      size: r.u64(at + 16, `size of symbol #${index}`),
    };
  });
}

function readRelocations(r: ByteReader, s: Section, symbolCount: number): Relocation[] {
  const count = Math.floor(s.size / Elf.REL_SIZE);
  return Array.from({ length: count }, (_, i) => {
    const at = s.offset + i * Elf.REL_SIZE;
    const symbol = r.u32(at + 12);
    if (symbol >= symbolCount) throw r.fail(at + 12, `relocation #${i} in '${s.name}' names symbol #${symbol}, which does not exist`);
    return { offset: r.u64(at, `offset of relocation #${i} in '${s.name}'`), type: r.u32(at + 8), symbol };
  });
}

/** ByteReader reads little-endian fields, failing with an ElfError instead of a RangeError. */
class ByteReader {
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(offset: number, reason: string): ElfError {
    return new ElfError(this.file, `byte offset ${hexOffset(offset)}`, reason);
  }

  need(offset: number, length: number, what: string): void {
    if (offset + length > this.bytes.length) {
      throw this.fail(offset, `truncated: ${what} needs ${length} bytes here, the file has ${this.bytes.length}`);
    }
  }

  u8(at: number): number {
    this.need(at, 1, 'a byte');
    return this.view.getUint8(at);
  }

  u16(at: number): number {
    this.need(at, 2, 'a 16-bit field');
    return this.view.getUint16(at, true);
  }

  u32(at: number): number {
    this.need(at, 4, 'a 32-bit field');
    return this.view.getUint32(at, true);
  }

  /** u64 reads a 64-bit field that must fit a safe integer (offsets, sizes, symbol values). */
  u64(at: number, what: string): number {
    this.need(at, 8, what);
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.fail(at, `${what} ${hexOffset(value)} is out of range`);
    return Number(value);
  }

  /** string reads a NUL-terminated string at `offset` inside string table section `table`. */
  string(table: { offset: number; size: number; type: number }, offset: number, what: string): string {
    if (table.type !== SectionType.STRTAB) throw this.fail(table.offset, `${what}: the string table is not a STRTAB section`);
    if (offset >= table.size) throw this.fail(table.offset, `${what}: string offset ${offset} is outside the string table (${table.size} bytes)`);
    const start = table.offset + offset;
    const end = this.bytes.indexOf(0, start);
    if (end < 0 || end >= table.offset + table.size) throw this.fail(start, `${what}: string is not NUL-terminated inside its table`);
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(this.bytes[i]!);
    return text;
  }
}
