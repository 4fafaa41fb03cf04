// writeObject: turns a ProgramSpec back into an ELF relocatable object that loadObject reads to an equal spec.
import { encode, type Instruction } from '../asm/instruction.js';
import { CALL, CallSrc, LDDW, PseudoSrc } from '../asm/opcodes.js';
import { MapType, type MapSpec, type ProgramSpec } from '../asm/program.js';
import { ElfError } from './errors.js';
import { LICENSE_SECTION } from './loader.js';
import { LEGACY_MAP_DEF_BYTES, LEGACY_MAPS_SECTION } from './maps.js';
import { ImageBuilder, latin1, type Reloc } from './image.js';
import { RelocationType, SectionFlag, SectionType, SymbolBind, SymbolType } from './reader.js';

const SLOT = 8;
const WRITER = '<writeObject>';

/**
 * writeObject encodes one program as a relocatable object: the entry function in section
 * `spec.section`, sub-programs (call and bpf_loop targets) in `.text`, maps as legacy
 * `struct bpf_map_def` entries in a `maps` section, global data maps as their own sections
 * (.data, .rodata*, .bss*), and a `license` section, with R_BPF_64_64 / R_BPF_64_32
 * relocations for every map, data and cross-section function reference.
 * Round trip: loadObject(writeObject(s)).programs[0] deep-equals `s` when `s` has no comments,
 * its sub-programs are in first-reference order (as loadObject lays them out), and maps in
 * the legacy section are not split by data maps more than once per run (each run gets its own
 * `maps` section). Throws ElfError for specs an object cannot express.
 */
export function writeObject(spec: ProgramSpec): Uint8Array {
  checkSection(spec.section);
  const image = new ImageBuilder();
  const mapSymbols = addMaps(image, spec.maps);
  const funcs = splitFunctions(spec.insns);
  const code = addCode(image, spec, funcs, mapSymbols);
  image.section({ name: LICENSE_SECTION, type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.WRITE, data: latin1(spec.license + '\0'), align: 1 });
  image.symbol({ name: 'LICENSE', type: SymbolType.OBJECT, bind: SymbolBind.GLOBAL, section: image.last, value: 0, size: spec.license.length + 1 });
  for (const [section, relocs] of code) image.relocations(section, relocs);
  return image.finish();
}

function checkSection(name: string): void {
  const reserved = ['', '.text', LICENSE_SECTION, LEGACY_MAPS_SECTION, '.maps', '.BTF', '.symtab', '.strtab'];
  if (reserved.includes(name) || /^\.(data|rodata|bss)(\.|$)/.test(name)) {
    throw new ElfError(WRITER, `section '${name}'`, 'is not usable as a program section name');
  }
}

/** MapSymbol is how code refers to a map: the symbol to relocate against and whether it is global data. */
interface MapSymbol {
  readonly symbol: number;
  readonly data: boolean;
}

function addMaps(image: ImageBuilder, maps: readonly MapSpec[]): MapSymbol[] {
  const out: MapSymbol[] = [];
  let legacy: { section: number; defs: number[][]; names: string[] } | undefined;
  const flushLegacy = () => {
    if (!legacy) return;
    const data = new Uint8Array(legacy.defs.length * LEGACY_MAP_DEF_BYTES);
    const view = new DataView(data.buffer);
    legacy.defs.forEach((def, i) => def.forEach((v, f) => view.setUint32(i * LEGACY_MAP_DEF_BYTES + f * 4, v, true)));
    image.fill(legacy.section, data);
    legacy = undefined;
  };
  for (const map of maps) {
    if (isDataMapName(map.name)) {
      flushLegacy();
      checkDataMap(map);
      const value = map.initialValue ?? new Uint8Array(map.valueSize);
      const zero = value.every((b) => b === 0);
      const section = image.section({
        name: map.name,
        type: map.name.startsWith('.bss') && zero ? SectionType.NOBITS : SectionType.PROGBITS,
        flags: SectionFlag.ALLOC | (map.readOnly ? 0 : SectionFlag.WRITE),
        data: value,
        align: 8,
      });
      out.push({ symbol: image.symbol({ name: '', type: SymbolType.SECTION, bind: SymbolBind.LOCAL, section, value: 0, size: 0 }), data: true });
      continue;
    }
    if (map.initialValue || map.readOnly) {
      throw new ElfError(WRITER, `map '${map.name}'`, 'only global data maps (.data, .rodata*, .bss*) may have an initial value or be read-only');
    }
    if (!map.name) throw new ElfError(WRITER, 'map #' + out.length, 'a map needs a name');
    legacy ??= {
      section: image.section({ name: LEGACY_MAPS_SECTION, type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.WRITE, data: new Uint8Array(), align: 4 }),
      defs: [],
      names: [],
    };
    const value = legacy.defs.length * LEGACY_MAP_DEF_BYTES;
    legacy.defs.push([MapType[map.type], map.keySize, map.valueSize, map.maxEntries, map.flags]);
    out.push({
      symbol: image.symbol({ name: map.name, type: SymbolType.OBJECT, bind: SymbolBind.GLOBAL, section: legacy.section, value, size: LEGACY_MAP_DEF_BYTES }),
      data: false,
    });
  }
  flushLegacy();
  return out;
}

function isDataMapName(name: string): boolean {
  return /^\.(data|rodata|bss)(\.|$)/.test(name);
}

function checkDataMap(map: MapSpec): void {
  const fail = (reason: string) => new ElfError(WRITER, `map '${map.name}'`, reason);
  if (map.type !== 'array' || map.keySize !== 4 || map.maxEntries !== 1 || map.flags !== 0) {
    throw fail('a global data map must be a single-entry array with key size 4 and no flags');
  }
  if (map.valueSize === 0) throw fail('a global data map must not be empty');
  if (map.initialValue && map.initialValue.length !== map.valueSize) throw fail('initial value length differs from value size');
  if (Boolean(map.readOnly) !== map.name.startsWith('.rodata')) throw fail('exactly the .rodata* maps are read-only');
  if (!map.initialValue) throw fail('a global data map needs its initial value (the section bytes)');
}

/** Func is a slice of the program's slots that starts at slot 0 or at a call / bpf_loop target. */
interface Func {
  readonly start: number;
  readonly end: number;
  readonly first: number;
  readonly last: number;
}

function splitFunctions(insns: readonly Instruction[]): Func[] {
  const slots = slotsOf(insns);
  const total = slots.length === 0 ? 0 : slots[slots.length - 1]! + width(insns[insns.length - 1]!);
  const starts = new Set<number>([0]);
  insns.forEach((insn, i) => {
    const target = functionTarget(insn, slots[i]!);
    if (target === undefined) return;
    if (target <= 0 || target >= total || !slots.includes(target)) {
      throw new ElfError(WRITER, `insn #${slots[i]}`, `call or bpf_loop target slot ${target} is not an instruction after the entry function`);
    }
    starts.add(target);
  });
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((start, k) => {
    const end = sorted[k + 1] ?? total;
    return { start, end, first: slots.indexOf(start), last: k + 1 < sorted.length ? slots.indexOf(end) : insns.length };
  });
}

function functionTarget(insn: Instruction, slot: number): number | undefined {
  const isFunc = (insn.opcode === CALL && insn.src === CallSrc.LOCAL) || (insn.opcode === LDDW && insn.src === PseudoSrc.FUNC);
  return isFunc ? slot + 1 + insn.imm : undefined;
}

function addCode(image: ImageBuilder, spec: ProgramSpec, funcs: Func[], maps: MapSymbol[]): Map<number, Reloc[]> {
  const slots = slotsOf(spec.insns);
  const [entry, ...subs] = funcs;
  const entrySection = image.section({ name: spec.section, type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.EXECINSTR, data: new Uint8Array(), align: 8 });
  const textSection = subs.length
    ? image.section({ name: '.text', type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.EXECINSTR, data: new Uint8Array(), align: 8 })
    : -1;
  // Where each function lands: its section, its first slot there, and its symbol.
  const placed = new Map<number, { section: number; base: number; symbol: number }>();
  let textSlot = 0;
  for (const func of funcs) {
    const inEntry = func === entry;
    const section = inEntry ? entrySection : textSection;
    const base = inEntry ? 0 : textSlot;
    const name = inEntry ? spec.name : `${spec.name}__sub${func.start}`;
    const symbol = image.symbol({
      name,
      type: SymbolType.FUNC,
      bind: inEntry ? SymbolBind.GLOBAL : SymbolBind.LOCAL,
      section,
      value: base * SLOT,
      size: (func.end - func.start) * SLOT,
    });
    placed.set(func.start, { section, base, symbol });
    if (!inEntry) textSlot += func.end - func.start;
  }
  const relocs = new Map<number, Reloc[]>();
  const code = new Map<number, Instruction[]>([[entrySection, []], [textSection, []]]);
  for (const func of funcs) {
    const here = placed.get(func.start)!;
    for (let i = func.first; i < func.last; i++) {
      const insn = spec.insns[i]!;
      const slot = slots[i]! - func.start;
      const offset = (here.base + slot) * SLOT;
      const addReloc = (type: number, symbol: number) => relocs.set(here.section, [...(relocs.get(here.section) ?? []), { offset, type, symbol }]);
      const target = functionTarget(insn, slots[i]!);
      let out = insn;
      if (target !== undefined) {
        const to = placed.get(target)!;
        if (insn.opcode === CALL && to.section === here.section) {
          out = { ...insn, imm: to.base - (here.base + slot + 1) };
        } else if (insn.opcode === CALL) {
          addReloc(RelocationType.BPF_64_32, to.symbol);
          out = { ...insn, imm: -1 };
        } else {
          addReloc(RelocationType.BPF_64_64, to.symbol);
          out = { ...insn, src: PseudoSrc.NONE, imm: 0, imm2: 0 };
        }
      } else if (insn.opcode === LDDW && (insn.src === PseudoSrc.MAP_FD || insn.src === PseudoSrc.MAP_VALUE)) {
        const map = maps[insn.imm];
        const valueRef = insn.src === PseudoSrc.MAP_VALUE;
        if (!map || map.data !== valueRef) {
          throw new ElfError(WRITER, `insn #${slots[i]}`, `lddw refers to map #${insn.imm}, which is not a ${valueRef ? 'global data' : 'regular'} map of this program`);
        }
        addReloc(RelocationType.BPF_64_64, map.symbol);
        out = { ...insn, src: PseudoSrc.NONE, imm: valueRef ? (insn.imm2 ?? 0) : 0, imm2: 0 };
      } else if (insn.opcode === LDDW && insn.src !== PseudoSrc.NONE) {
        throw new ElfError(WRITER, `insn #${slots[i]}`, `lddw pseudo source ${insn.src} cannot be written to an object`);
      }
      code.get(here.section)!.push(out);
    }
  }
  image.fill(entrySection, encode(code.get(entrySection)!));
  if (textSection >= 0) image.fill(textSection, encode(code.get(textSection)!));
  return relocs;
}

function width(insn: Instruction): number {
  return insn.opcode === LDDW ? 2 : 1;
}

function slotsOf(insns: readonly Instruction[]): number[] {
  const out: number[] = [];
  let slot = 0;
  for (const insn of insns) {
    out.push(slot);
    slot += width(insn);
  }
  return out;
}
