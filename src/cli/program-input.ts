// Reads a program a user brings: a clang-built ELF object, raw bytecode (.bin) or assembly text.
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { assemble } from '../asm/assembler.js';
import { decode } from '../asm/instruction.js';
import type { ProgramSpec } from '../asm/program.js';
import { loadObject } from '../elf/loader.js';
import { SluiceError, UsageError } from '../util/errors.js';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/**
 * loadProgramFile returns the program in `path`: an ELF object (by its magic; `section` picks a
 * program by section or function name, default the first), a `.bin` file of raw 8-byte slots, or
 * assembly text in either syntax.
 */
export function loadProgramFile(path: string, section?: string): ProgramSpec {
  if (!existsSync(path)) throw new UsageError(`program file ${path} does not exist`);
  const bytes = new Uint8Array(readFileSync(path));
  if (ELF_MAGIC.every((b, i) => bytes[i] === b)) return pickProgram(path, loadObject(bytes, path).programs, section);
  if (section !== undefined) throw new UsageError(`--section applies to ELF objects, and ${path} is not one`);
  if (extname(path) === '.bin') {
    try {
      return { name: 'main', section: 'xdp', insns: decode(bytes), maps: [], license: 'GPL' };
    } catch (error) {
      throw new SluiceError(`${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  return assemble(Buffer.from(bytes).toString('utf8'), { file: path, section: 'xdp' });
}

function pickProgram(path: string, programs: readonly ProgramSpec[], section?: string): ProgramSpec {
  if (programs.length === 0) throw new SluiceError(`${path} holds no program sections`);
  if (section === undefined) return programs[0]!;
  const found = programs.find((p) => p.section === section || p.name === section);
  if (!found) {
    const names = programs.map((p) => `${p.section} (${p.name})`).join(', ');
    throw new UsageError(`${path} has no program in section or function '${section}'; it has: ${names}`);
  }
  return found;
}
