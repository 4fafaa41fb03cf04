// loadObject: turns a clang-built eBPF relocatable object into plain, deterministic program and map specs.
import type { MapSpec, ProgramSpec } from '../asm/program.js';
import { readMaps } from './maps.js';
import { linkPrograms } from './programs.js';
import { parseElf, sectionBytes, type ElfFile } from './reader.js';

/** ObjectSpec is everything an object file describes: its programs, its maps (shared by all programs) and its license. */
export interface ObjectSpec {
  readonly programs: ProgramSpec[];
  readonly maps: MapSpec[];
  readonly license: string;
}

/** LICENSE_SECTION is the section holding the NUL-terminated license string. */
export const LICENSE_SECTION = 'license';

/**
 * loadObject reads an ELF64 little-endian eBPF relocatable object (as `clang -target bpf -c`
 * emits). Each function symbol in a program section (e.g. `xdp`, `socket`) becomes a program
 * named after the symbol; `.text` functions it calls (or passes to bpf_loop) follow it. Map and
 * global data references are rewritten per ProgramSpec's conventions. The same bytes always give
 * a deep-equal result. Throws ElfError, naming `file` and the offset, section or symbol, for
 * anything malformed or unsupported.
 */
export function loadObject(bytes: Uint8Array, file = '<object>'): ObjectSpec {
  const elf = parseElf(bytes, file);
  const objectMaps = readMaps(elf);
  const maps = [...objectMaps.maps];
  const license = readLicense(elf);
  const programs = linkPrograms(elf, objectMaps).map(
    (p): ProgramSpec => ({ name: p.name, section: p.section, insns: p.insns, maps, license }),
  );
  return { programs, maps, license };
}

/** readLicense returns the license string up to its NUL (or the whole section), '' when there is none. */
function readLicense(elf: ElfFile): string {
  const section = elf.sections.find((s) => s.name === LICENSE_SECTION);
  if (!section) return '';
  const bytes = sectionBytes(elf, section);
  const end = bytes.indexOf(0);
  let text = '';
  for (const b of bytes.subarray(0, end < 0 ? bytes.length : end)) text += String.fromCharCode(b);
  return text;
}
