// Program extraction: one program per function symbol in a program section, with its sub-programs linked after it.
import { decode, InstructionError, type Instruction } from '../asm/instruction.js';
import { CALL, CallSrc, LDDW, PseudoSrc } from '../asm/opcodes.js';
import { ElfError, hexOffset } from './errors.js';
import type { ObjectMaps } from './maps.js';
import { RelocationType, sectionBytes, SectionFlag, SectionType, SymbolType, type ElfFile, type Relocation, type Section } from './reader.js';

const SLOT = 8;

/** LinkedProgram is an entry function with its reachable sub-programs appended and every reference resolved. */
export interface LinkedProgram {
  readonly name: string;
  readonly section: string;
  readonly insns: readonly Instruction[];
}

/** Func is one decoded function: its section, byte range and instructions with their slot numbers. */
interface Func {
  readonly name: string;
  readonly section: Section;
  readonly start: number;
  readonly insns: readonly Instruction[];
  /** Slot of each instruction, relative to the function's first slot. */
  readonly slots: readonly number[];
  readonly slotCount: number;
}

/** isProgramSection tells whether a section holds entry programs (executable, not .text). */
function isProgramSection(s: Section): boolean {
  return s.type === SectionType.PROGBITS && (s.flags & SectionFlag.EXECINSTR) !== 0 && s.name !== '.text' && s.size > 0;
}

/** linkPrograms returns every entry program, ordered by section then offset, each linked with its sub-programs. */
export function linkPrograms(elf: ElfFile, maps: ObjectMaps): LinkedProgram[] {
  const funcs = decodeFunctions(elf);
  const entries = [...funcs.values()].filter((f) => isProgramSection(f.section));
  return entries.map((entry) => link(elf, maps, funcs, entry));
}

/** funcKey identifies a function by section index and byte offset. */
function funcKey(section: number, offset: number): string {
  return `${section}:${offset}`;
}

function decodeFunctions(elf: ElfFile): Map<string, Func> {
  const funcs = new Map<string, Func>();
  const executable = elf.sections.filter((s) => s.type === SectionType.PROGBITS && (s.flags & SectionFlag.EXECINSTR) !== 0);
  for (const section of executable) {
    const symbols = elf.symbols
      .filter((s) => s.section === section.index && s.type === SymbolType.FUNC)
      .sort((a, b) => a.value - b.value || (a.name < b.name ? -1 : 1));
    const bytes = sectionBytes(elf, section);
    const starts = new Set<number>();
    symbols.forEach((sym, i) => {
      const where = `section '${section.name}' function '${sym.name}'`;
      const end = sym.size > 0 ? sym.value + sym.size : (symbols[i + 1]?.value ?? section.size);
      if (sym.value % SLOT !== 0 || end > section.size || end <= sym.value) {
        throw new ElfError(elf.file, where, `function bytes ${sym.value}..${end} are not whole instructions inside the section (${section.size} bytes)`);
      }
      if (funcs.has(funcKey(section.index, sym.value))) return;
      let insns: Instruction[];
      try {
        insns = decode(bytes.subarray(sym.value, end));
      } catch (err) {
        if (err instanceof InstructionError) throw new ElfError(elf.file, where, err.message, { cause: err });
        throw err;
      }
      const slots: number[] = [];
      let slot = 0;
      for (const insn of insns) {
        slots.push(slot);
        starts.add(sym.value + slot * SLOT);
        slot += insn.opcode === LDDW ? 2 : 1;
      }
      funcs.set(funcKey(section.index, sym.value), { name: sym.name, section, start: sym.value, insns, slots, slotCount: slot });
    });
    for (const rel of elf.relocations.get(section.index) ?? []) {
      const where = `section '${section.name}' byte offset ${hexOffset(rel.offset)}`;
      if (rel.offset >= section.size) throw new ElfError(elf.file, where, `relocation offset is out of range (section is ${section.size} bytes)`);
      if (rel.type !== RelocationType.BPF_64_64 && rel.type !== RelocationType.BPF_64_32) {
        throw new ElfError(elf.file, where, `unknown relocation type ${rel.type} (eBPF code uses R_BPF_64_64 and R_BPF_64_32)`);
      }
      if (!starts.has(rel.offset)) {
        throw new ElfError(elf.file, where, 'relocation is not on the first slot of an instruction of any function');
      }
    }
  }
  return funcs;
}

/** Pending is an instruction whose reference is resolved once every function has its place. */
type Pending = { kind: 'func'; target: Func } | { kind: 'fixed'; insn: Instruction };

function link(elf: ElfFile, maps: ObjectMaps, funcs: Map<string, Func>, entry: Func): LinkedProgram {
  const order: Func[] = [entry];
  const resolved: Pending[][] = [];
  for (let f = 0; f < order.length; f++) {
    const func = order[f]!;
    const relocs = new Map<number, Relocation>();
    for (const rel of elf.relocations.get(func.section.index) ?? []) relocs.set(rel.offset, rel);
    resolved.push(
      func.insns.map((insn, i) => {
        const offset = func.start + func.slots[i]! * SLOT;
        const pending = resolveInsn(elf, maps, funcs, func, insn, offset, relocs.get(offset));
        if (pending.kind === 'func' && !order.includes(pending.target)) order.push(pending.target);
        return pending;
      }),
    );
  }
  const startSlot = new Map<Func, number>();
  let next = 0;
  for (const func of order) {
    startSlot.set(func, next);
    next += func.slotCount;
  }
  const insns: Instruction[] = [];
  order.forEach((func, f) => {
    resolved[f]!.forEach((pending, i) => {
      if (pending.kind === 'fixed') {
        insns.push(pending.insn);
        return;
      }
      const here = startSlot.get(func)! + func.slots[i]!;
      const relative = startSlot.get(pending.target)! - (here + 1);
      const insn = func.insns[i]!;
      insns.push(insn.opcode === LDDW ? { ...insn, src: PseudoSrc.FUNC, imm: relative, imm2: 0 } : { ...insn, imm: relative });
    });
  });
  return { name: entry.name, section: entry.section.name, insns };
}

function resolveInsn(
  elf: ElfFile,
  maps: ObjectMaps,
  funcs: Map<string, Func>,
  func: Func,
  insn: Instruction,
  offset: number,
  rel: Relocation | undefined,
): Pending {
  const where = `section '${func.section.name}' insn #${offset / SLOT}`;
  const fail = (reason: string) => new ElfError(elf.file, where, reason);
  const funcAt = (section: Section, byte: number): Func => {
    const target = funcs.get(funcKey(section.index, byte));
    if (!target) throw fail(`target byte offset ${byte} in section '${section.name}' is not the start of a function`);
    return target;
  };
  const isLocalCall = insn.opcode === CALL && insn.src === CallSrc.LOCAL;
  if (!rel) {
    if (isLocalCall) return { kind: 'func', target: funcAt(func.section, offset + (insn.imm + 1) * SLOT) };
    if (insn.opcode === LDDW && insn.src !== PseudoSrc.NONE) throw fail(`lddw has pseudo source ${insn.src} but no relocation`);
    return { kind: 'fixed', insn };
  }
  const sym = elf.symbols[rel.symbol]!;
  if (sym.section === 0 || sym.section >= elf.sections.length) {
    throw fail(`reference to '${sym.name}', which is not defined in this object (externs, kfuncs and kconfig are not supported)`);
  }
  const target = elf.sections[sym.section]!;
  const code = (target.flags & SectionFlag.EXECINSTR) !== 0;
  if (insn.opcode === LDDW) {
    if (rel.type !== RelocationType.BPF_64_64) throw fail(`relocation type ${rel.type} on lddw (expected R_BPF_64_64)`);
    const at = sym.value + insn.imm;
    if (code) return { kind: 'func', target: funcAt(target, at) };
    const ref = maps.resolve(sym.section, at);
    if (!ref) throw fail(`lddw refers to '${sym.name || target.name}' in section '${target.name}', which holds no maps, data or code`);
    if (ref.kind === 'map') return { kind: 'fixed', insn: { ...insn, src: PseudoSrc.MAP_FD, imm: ref.index, imm2: 0 } };
    return { kind: 'fixed', insn: { ...insn, src: PseudoSrc.MAP_VALUE, imm: ref.index, imm2: ref.offset } };
  }
  if (insn.opcode === CALL) {
    if (rel.type !== RelocationType.BPF_64_32) throw fail(`relocation type ${rel.type} on call (expected R_BPF_64_32)`);
    if (!isLocalCall) throw fail(`relocated call has src ${insn.src}, expected a local call (1)`);
    if (!code) throw fail(`call target '${sym.name || target.name}' is in section '${target.name}', which holds no code`);
    return { kind: 'func', target: funcAt(target, sym.value + (insn.imm + 1) * SLOT) };
  }
  throw fail(`relocation on opcode 0x${insn.opcode.toString(16)}, which is neither lddw nor call`);
}
