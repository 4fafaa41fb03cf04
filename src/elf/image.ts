// ELF image layout for the writer: sections, symbols (locals first), REL entries, string tables, headers.
import { Elf, SectionType, SymbolBind } from './reader.js';

/** Reloc is one REL entry to write: byte offset in the target section, relocation type, symbol id from ImageBuilder.symbol. */
export interface Reloc {
  readonly offset: number;
  readonly type: number;
  readonly symbol: number;
}

/** SectionDraft is a section before layout; `data` of a NOBITS section only gives its size. */
export interface SectionDraft {
  name: string;
  type: number;
  flags: number;
  data: Uint8Array;
  align: number;
  link?: number;
  info?: number;
  entsize?: number;
}

/** SymbolDraft is a symbol before the table is sorted (locals first). */
export interface SymbolDraft {
  name: string;
  type: number;
  bind: number;
  section: number;
  value: number;
  size: number;
}

/** ImageBuilder collects sections and symbols, then lays out the ELF file (contents, then section headers). */
export class ImageBuilder {
  private readonly sections: SectionDraft[] = [{ name: '', type: SectionType.NULL, flags: 0, data: new Uint8Array(), align: 0 }];
  private readonly symbols: SymbolDraft[] = [];

  /** last is the index of the most recently added section. */
  get last(): number {
    return this.sections.length - 1;
  }

  section(draft: SectionDraft): number {
    this.sections.push(draft);
    return this.last;
  }

  fill(section: number, data: Uint8Array): void {
    this.sections[section]!.data = data;
  }

  /** symbol adds a symbol and returns its final index (locals come first, so indexes are fixed at finish). */
  symbol(draft: SymbolDraft): number {
    this.symbols.push(draft);
    return this.symbols.length - 1 + SYMBOL_ID_BASE;
  }

  relocations(target: number, relocs: readonly Reloc[]): void {
    const data = new Uint8Array(relocs.length * Elf.REL_SIZE);
    const view = new DataView(data.buffer);
    relocs.forEach((r, i) => {
      view.setBigUint64(i * Elf.REL_SIZE, BigInt(r.offset), true);
      view.setBigUint64(i * Elf.REL_SIZE + 8, (BigInt(r.symbol) << 32n) | BigInt(r.type), true);
    });
    this.section({ name: `.rel${this.sections[target]!.name}`, type: SectionType.REL, flags: 0, data, align: 8, info: target, entsize: Elf.REL_SIZE });
  }

  finish(): Uint8Array {
    // Symbol ids handed out so far are provisional; ELF wants locals first, so renumber and patch REL entries.
    const order = this.symbols.map((s, i) => ({ s, i })).sort((a, b) => (a.s.bind === b.s.bind ? a.i - b.i : a.s.bind === SymbolBind.LOCAL ? -1 : 1));
    const finalIndex = new Map(order.map(({ i }, k) => [i + SYMBOL_ID_BASE, k + 1]));
    for (const s of this.sections) {
      if (s.type !== SectionType.REL) continue;
      const view = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
      for (let at = 0; at < s.data.length; at += Elf.REL_SIZE) {
        const info = view.getBigUint64(at + 8, true);
        const id = finalIndex.get(Number(info >> 32n))!;
        view.setBigUint64(at + 8, (BigInt(id) << 32n) | (info & 0xffffffffn), true);
      }
    }
    const strtab = new StringTable();
    const symtab = new Uint8Array((order.length + 1) * Elf.SYMBOL_SIZE);
    const symView = new DataView(symtab.buffer);
    order.forEach(({ s }, k) => {
      const at = (k + 1) * Elf.SYMBOL_SIZE;
      symView.setUint32(at, s.name ? strtab.add(s.name) : 0, true);
      symView.setUint8(at + 4, (s.bind << 4) | s.type);
      symView.setUint16(at + 6, s.section, true);
      symView.setBigUint64(at + 8, BigInt(s.value), true);
      symView.setBigUint64(at + 16, BigInt(s.size), true);
    });
    const firstGlobal = order.findIndex(({ s }) => s.bind !== SymbolBind.LOCAL);
    const strtabIndex = this.sections.length;
    this.sections.push({ name: '.strtab', type: SectionType.STRTAB, flags: 0, data: new Uint8Array(), align: 1 });
    this.section({
      name: '.symtab',
      type: SectionType.SYMTAB,
      flags: 0,
      data: symtab,
      align: 8,
      link: strtabIndex,
      info: firstGlobal < 0 ? order.length + 1 : firstGlobal + 1,
      entsize: Elf.SYMBOL_SIZE,
    });
    for (const s of this.sections) if (s.type === SectionType.REL) s.link = this.last;
    const names = this.sections.map((s) => (s.name ? strtab.add(s.name) : 0));
    this.sections[strtabIndex]!.data = strtab.bytes();
    return this.layout(names, strtabIndex);
  }

  private layout(names: number[], shstrndx: number): Uint8Array {
    const offsets: number[] = [];
    let at: number = Elf.HEADER_SIZE;
    for (const s of this.sections) {
      at = alignUp(at, Math.max(s.align, 1));
      offsets.push(at);
      if (s.type !== SectionType.NOBITS) at += s.data.length;
    }
    const shoff = alignUp(at, 8);
    const out = new Uint8Array(shoff + this.sections.length * Elf.SECTION_HEADER_SIZE);
    const view = new DataView(out.buffer);
    out.set(Elf.MAGIC, 0);
    out.set([Elf.CLASS64, Elf.DATA_LE, Elf.VERSION], 4);
    view.setUint16(0x10, Elf.TYPE_REL, true);
    view.setUint16(0x12, Elf.MACHINE_BPF, true);
    view.setUint32(0x14, Elf.VERSION, true);
    view.setBigUint64(0x28, BigInt(shoff), true);
    view.setUint16(0x34, Elf.HEADER_SIZE, true);
    view.setUint16(0x3a, Elf.SECTION_HEADER_SIZE, true);
    view.setUint16(0x3c, this.sections.length, true);
    view.setUint16(0x3e, shstrndx, true);
    this.sections.forEach((s, i) => {
      if (s.type !== SectionType.NOBITS) out.set(s.data, offsets[i]!);
      const h = shoff + i * Elf.SECTION_HEADER_SIZE;
      view.setUint32(h, names[i]!, true);
      view.setUint32(h + 4, s.type, true);
      view.setBigUint64(h + 8, BigInt(s.flags), true);
      view.setBigUint64(h + 24, BigInt(i === 0 ? 0 : offsets[i]!), true);
      view.setBigUint64(h + 32, BigInt(s.data.length), true);
      view.setUint32(h + 40, s.link ?? 0, true);
      view.setUint32(h + 44, s.info ?? 0, true);
      view.setBigUint64(h + 48, BigInt(s.align), true);
      view.setBigUint64(h + 56, BigInt(s.entsize ?? 0), true);
    });
    return out;
  }
}

/** SYMBOL_ID_BASE keeps provisional symbol ids apart from final ones while REL entries are patched. */
const SYMBOL_ID_BASE = 1 << 20;

/** StringTable builds an ELF string table (leading NUL, each name once). */
class StringTable {
  private readonly parts: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  private size = 1;

  add(name: string): number {
    const known = this.index.get(name);
    if (known !== undefined) return known;
    const at = this.size;
    this.parts.push(name);
    this.index.set(name, at);
    this.size += name.length + 1;
    return at;
  }

  bytes(): Uint8Array {
    return latin1(this.parts.join('\0') + '\0');
  }
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** latin1 encodes a string one byte per character (names and the license are ASCII). */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
