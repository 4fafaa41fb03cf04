// writeObject: turns a ProgramSpec back into an ELF relocatable object that loadObject reads to an equal spec.
import { namedFunction } from '../asm/control.js';
import { encode, type Instruction } from '../asm/instruction.js';
import { CALL, LDDW, PseudoSrc } from '../asm/opcodes.js';
import { MapType, type MapSpec, type ProgramSpec } from '../asm/program.js';
import { ElfError } from './errors.js';
import { LICENSE_SECTION } from './loader.js';
import { BtfBuilder, btfIdentifier, Linkage } from './btf-writer.js';
import { BTF_MAPS_SECTION, DATA_SECTION_NAME, LEGACY_MAPS_SECTION } from './maps.js';
import { ImageBuilder, latin1, type Reloc } from './image.js';
import { RelocationType, SectionFlag, SectionType, SymbolBind, SymbolType } from './reader.js';

const SLOT = 8;
const WRITER = '<writeObject>';

/**
 * writeObject encodes one program as a relocatable object: the entry function in section
 * `spec.section`, sub-programs (call and bpf_loop targets) in `.text`, regular maps as
 * BTF-defined maps in `.maps` (described in `.BTF`), global data maps as their own sections
 * (.data, .rodata*, .bss*), and a `license` section, with R_BPF_64_64 / R_BPF_64_32
 * relocations for every map, data and cross-section function reference, and .BTF.ext func_info
 * for every function. libbpf opens and loads the result when the regular maps are contiguous in
 * spec.maps (libbpf takes a single `.maps` section).
 * Round trip: loadObject(writeObject(s)).programs[0] deep-equals `s` when `s` has no comments
 * and its sub-programs are in first-reference order (as loadObject lays them out).
 * Throws ElfError for specs an object cannot express.
 */
export function writeObject(spec: ProgramSpec): Uint8Array {
  checkSection(spec.section);
  const image = new ImageBuilder();
  const btf = new BtfBuilder();
  const mapSymbols = addMaps(image, btf, spec.maps);
  const funcs = splitFunctions(spec.insns);
  const code = addCode(image, spec, funcs, mapSymbols);
  image.section({ name: LICENSE_SECTION, type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.WRITE, data: latin1(spec.license + '\0'), align: 1 });
  image.symbol({ name: 'LICENSE', type: SymbolType.OBJECT, bind: SymbolBind.GLOBAL, section: image.last, value: 0, size: spec.license.length + 1 });
  const ext = funcInfoExt(btf, code.functions);
  image.section({ name: '.BTF', type: SectionType.PROGBITS, flags: 0, data: btf.bytes(), align: 4 });
  image.section({ name: '.BTF.ext', type: SectionType.PROGBITS, flags: 0, data: ext, align: 4 });
  for (const [section, relocs] of code.relocs) image.relocations(section, relocs);
  return image.finish();
}

/** PlacedFunction is where a function of the program landed: section name, byte offset, and whether it is the entry. */
interface PlacedFunction {
  readonly section: string;
  readonly offset: number;
  readonly name: string;
  readonly entry: boolean;
}

/** BTF_EXT_HEADER_BYTES is sizeof(struct btf_ext_header) without CO-RE fields; FUNC_INFO_BYTES sizeof(struct bpf_func_info). */
const BTF_EXT_HEADER_BYTES = 24;
const FUNC_INFO_BYTES = 8;
/** LINE_INFO_BYTES is sizeof(struct bpf_line_info); GENERATED_SOURCE names the source file in line_info. */
const LINE_INFO_BYTES = 16;
const GENERATED_SOURCE = 'sluice-generated';

/**
 * funcInfoExt adds a FUNC type per function (`int f(void)`, the entry global, sub-programs static
 * as bpf_loop callbacks must be) and returns a .BTF.ext holding their func_info and line_info
 * records, grouped by section, offsets in bytes. libbpf passes them to the kernel, which needs
 * func_info for callbacks.
 */
function funcInfoExt(btf: BtfBuilder, functions: readonly PlacedFunction[]): Uint8Array {
  const proto = btf.funcProto(btf.int('int', 4));
  const sections = [...new Set(functions.map((f) => f.section))];
  const words: number[] = [FUNC_INFO_BYTES];
  for (const section of sections) {
    const inSection = functions.filter((f) => f.section === section);
    words.push(btf.string(section), inSection.length);
    for (const f of inSection) words.push(f.offset, btf.func(btfIdentifier(f.name), proto, f.entry ? Linkage.GLOBAL : Linkage.STATIC));
  }
  // One line_info record per function start (the kernel wants one there when any is given; the
  // source text is empty), so libbpf keeps the .BTF.ext instead of warning and dropping its lines.
  const file = btf.string(GENERATED_SOURCE);
  const lines: number[] = [LINE_INFO_BYTES];
  for (const section of sections) {
    const inSection = functions.filter((f) => f.section === section);
    lines.push(btf.string(section), inSection.length);
    for (const f of inSection) lines.push(f.offset, file, 0, 0);
  }
  const out = new Uint8Array(BTF_EXT_HEADER_BYTES + (words.length + lines.length) * 4);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xeb9f, true);
  view.setUint8(2, 1);
  view.setUint32(4, BTF_EXT_HEADER_BYTES, true);
  view.setUint32(8, 0, true); // func_info_off
  view.setUint32(12, words.length * 4, true); // func_info_len
  view.setUint32(16, words.length * 4, true); // line_info_off
  view.setUint32(20, lines.length * 4, true); // line_info_len
  [...words, ...lines].forEach((w, i) => view.setUint32(BTF_EXT_HEADER_BYTES + i * 4, w, true));
  return out;
}

function checkSection(name: string): void {
  const reserved = ['', '.text', LICENSE_SECTION, LEGACY_MAPS_SECTION, BTF_MAPS_SECTION, '.BTF', '.BTF.ext', '.symtab', '.strtab'];
  if (reserved.includes(name) || DATA_SECTION_NAME.test(name)) {
    throw new ElfError(WRITER, `section '${name}'`, 'is not usable as a program section name');
  }
}

/** MapSymbol is how code refers to a map: the symbol to relocate against and whether it is global data. */
interface MapSymbol {
  readonly symbol: number;
  readonly data: boolean;
}

/** BTF_MAP_FIELDS are the __uint(...) members every written map struct has, in order. */
const BTF_MAP_FIELDS = ['type', 'key_size', 'value_size', 'max_entries', 'map_flags'] as const;
/** BTF_MAP_BYTES is the size of a BTF map struct: one pointer per field. */
const BTF_MAP_BYTES = BTF_MAP_FIELDS.length * 8;

/**
 * addMaps writes maps in spec order: each run of regular maps as BTF-defined maps in a `.maps`
 * section (libbpf's format; a run split by a data map starts another `.maps` section), and each
 * global data map as its own section. Regular maps are described in one `.BTF` blob.
 */
function addMaps(image: ImageBuilder, btf: BtfBuilder, maps: readonly MapSpec[]): MapSymbol[] {
  const out: MapSymbol[] = [];
  const described: { map: MapSpec; symbol: number }[] = [];
  let run: { section: number; count: number } | undefined;
  const endRun = () => {
    if (run) image.fill(run.section, new Uint8Array(run.count * BTF_MAP_BYTES));
    run = undefined;
  };
  for (const map of maps) {
    if (DATA_SECTION_NAME.test(map.name)) {
      endRun();
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
    if (!map.name) throw new ElfError(WRITER, `map #${out.length}`, 'a map needs a name');
    run ??= {
      section: image.section({ name: BTF_MAPS_SECTION, type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.WRITE, data: new Uint8Array(), align: 8 }),
      count: 0,
    };
    const symbol = image.symbol({ name: map.name, type: SymbolType.OBJECT, bind: SymbolBind.GLOBAL, section: run.section, value: run.count * BTF_MAP_BYTES, size: BTF_MAP_BYTES });
    run.count++;
    described.push({ map, symbol });
    out.push({ symbol, data: false });
  }
  endRun();
  if (described.length > 0) describeMaps(btf, described.map((d) => d.map));
  return out;
}

/** describeMaps adds each map as libbpf's macros declare it: struct { int (*type)[T]; int (*key_size)[K]; ... } name SEC(".maps"). */
function describeMaps(btf: BtfBuilder, maps: readonly MapSpec[]): void {
  const int = btf.int('int', 4);
  const arrayIndex = btf.int('__ARRAY_SIZE_TYPE__', 4);
  const uintField = new Map<number, number>();
  const field = (value: number) => {
    let id = uintField.get(value);
    if (id === undefined) {
      id = btf.pointer(btf.array(int, arrayIndex, value));
      uintField.set(value, id);
    }
    return id;
  };
  const vars = maps.map((map, i) => {
    const values = [MapType[map.type], map.keySize, map.valueSize, map.maxEntries, map.flags];
    const members = BTF_MAP_FIELDS.map((name, k) => ({ name, type: field(values[k]!), bitOffset: k * 64 }));
    const variable = btf.variable(map.name, btf.struct('', BTF_MAP_BYTES, members), Linkage.GLOBAL);
    return { type: variable, offset: i * BTF_MAP_BYTES, size: BTF_MAP_BYTES };
  });
  btf.datasec(BTF_MAPS_SECTION, maps.length * BTF_MAP_BYTES, vars);
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
    const target = namedFunction(insn, slots[i]!);
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

function addCode(
  image: ImageBuilder,
  spec: ProgramSpec,
  funcs: Func[],
  maps: MapSymbol[],
): { relocs: Map<number, Reloc[]>; functions: PlacedFunction[] } {
  const slots = slotsOf(spec.insns);
  const [entry, ...subs] = funcs;
  const entrySection = image.section({ name: spec.section, type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.EXECINSTR, data: new Uint8Array(), align: 8 });
  const textSection = subs.length
    ? image.section({ name: '.text', type: SectionType.PROGBITS, flags: SectionFlag.ALLOC | SectionFlag.EXECINSTR, data: new Uint8Array(), align: 8 })
    : -1;
  // Like clang for static functions, references into .text go through its section symbol, the
  // target's position carried in the instruction (libbpf accepts nothing else for lddw).
  const textSymbol = textSection >= 0 ? image.symbol({ name: '', type: SymbolType.SECTION, bind: SymbolBind.LOCAL, section: textSection, value: 0, size: 0 }) : -1;
  // Where each function lands: its section, its first slot there, and its symbol.
  const placed = new Map<number, { section: number; base: number; symbol: number }>();
  const functions: PlacedFunction[] = [];
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
    functions.push({ section: inEntry ? spec.section : '.text', offset: base * SLOT, name, entry: inEntry });
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
      const target = namedFunction(insn, slots[i]!);
      let out = insn;
      if (target !== undefined) {
        const to = placed.get(target)!;
        if (insn.opcode === CALL && to.section === here.section) {
          out = { ...insn, imm: to.base - (here.base + slot + 1) };
        } else if (insn.opcode === CALL) {
          addReloc(RelocationType.BPF_64_32, textSymbol);
          out = { ...insn, imm: to.base - 1 };
        } else {
          addReloc(RelocationType.BPF_64_64, textSymbol);
          out = { ...insn, src: PseudoSrc.NONE, imm: to.base * SLOT, imm2: 0 };
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
  return { relocs, functions };
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
