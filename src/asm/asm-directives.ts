// Assembler directives, read and printed here: `.program` (name, section, license) and `.map` (a map the code names).
import { AssemblerError, type Where } from './asm-lexer.js';
import { MapType, type MapSpec, type MapTypeName, type ProgramSpec } from './program.js';

/** ProgramHeader is what a `.program` line sets; unset fields fall back to assemble()'s defaults. */
export interface ProgramHeader {
  readonly name: string;
  readonly section?: string;
  readonly license?: string;
}

/** PROGRAM_DIRECTIVE_SYNTAX is the `.program` line's shape; the license runs to the end of the line. */
const PROGRAM_DIRECTIVE_SYNTAX = '.program NAME [section=SECTION] [license=TEXT]';

/** parseProgramDirective reads a `.program` line (comment already removed). */
export function parseProgramDirective(text: string, where: Where, columnBase: number): ProgramHeader {
  const m = /^\s*\.program\s+([^\s=]+)(?:\s+section=(\S+))?(?:\s+license=(.*\S))?\s*$/.exec(text);
  if (!m) {
    const reason = `expected ${PROGRAM_DIRECTIVE_SYNTAX}`;
    throw new AssemblerError(where.file, where.line, columnBase + text.search(/\S/), reason);
  }
  return { name: m[1]!, ...(m[2] ? { section: m[2] } : {}), ...(m[3] ? { license: m[3] } : {}) };
}

/** formatProgramDirective prints the `.program` line that gives back a spec's name, section and license. */
export function formatProgramDirective(spec: ProgramSpec): string {
  return `.program ${spec.name} section=${spec.section} license=${spec.license}`;
}

/**
 * MAP_DIRECTIVE_SYNTAX is the directive's shape, for error messages:
 * `.map NAME TYPE key=K value=V entries=N [flags=F] [readonly] [init=HEX]`, where `init` gives
 * the value of entry 0 as hex bytes in memory order (global data).
 */
const MAP_DIRECTIVE_SYNTAX = '.map NAME TYPE key=K value=V entries=N [flags=F] [readonly] [init=HEX]';

const NAME = /^[A-Za-z_.][A-Za-z0-9_.]*$/;

/** parseMapDirective reads a `.map` line (comment already removed); `columnBase` is the column of text[0]. */
export function parseMapDirective(text: string, where: Where, columnBase: number): MapSpec {
  const words = [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], column: columnBase + m.index! }));
  const fail = (column: number, reason: string) =>
    new AssemblerError(where.file, where.line, column, `${reason} (syntax: ${MAP_DIRECTIVE_SYNTAX})`);
  const [, name, type, ...fields] = words;
  if (!name || !NAME.test(name.text)) throw fail(name?.column ?? columnBase, 'expected a map name');
  if (!type || !(type.text in MapType)) {
    throw fail(type?.column ?? columnBase, `expected a map type (${Object.keys(MapType).join(', ')})`);
  }
  const values: Record<string, number> = {};
  let readOnly = false;
  let initialValue: Uint8Array | undefined;
  for (const field of fields) {
    if (field.text === 'readonly') {
      readOnly = true;
      continue;
    }
    const m = /^(key|value|entries|flags|init)=(.+)$/.exec(field.text);
    if (!m) throw fail(field.column, `unknown map field '${field.text}'`);
    if (m[1] === 'init') {
      if (!/^([0-9a-fA-F]{2})*$/.test(m[2]!)) throw fail(field.column, 'init must be hex bytes like 0a0b0c');
      initialValue = Uint8Array.from(m[2]!.match(/../g) ?? [], (byte) => parseInt(byte, 16));
      continue;
    }
    if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(m[2]!) || Number(m[2]) > 0xffffffff) {
      throw fail(field.column, `${m[1]} must be a number from 0 to 0xffffffff`);
    }
    values[m[1]!] = Number(m[2]);
  }
  for (const required of ['key', 'value', 'entries']) {
    if (values[required] === undefined) throw fail(words[0]!.column, `map '${name.text}' needs ${required}=`);
  }
  if (initialValue && initialValue.length !== values.value) {
    throw fail(words[0]!.column, `init has ${initialValue.length} bytes but value= is ${values.value}`);
  }
  return {
    name: name.text,
    type: type.text as MapTypeName,
    keySize: values.key!,
    valueSize: values.value!,
    maxEntries: values.entries!,
    flags: values.flags ?? 0,
    ...(initialValue ? { initialValue } : {}),
    ...(readOnly ? { readOnly } : {}),
  };
}

/** formatMapDirective prints a MapSpec as the `.map` line that parseMapDirective reads back. */
export function formatMapDirective(map: MapSpec): string {
  let line = `.map ${map.name} ${map.type} key=${map.keySize} value=${map.valueSize} entries=${map.maxEntries}`;
  if (map.flags !== 0) line += ` flags=0x${map.flags.toString(16)}`;
  if (map.readOnly) line += ' readonly';
  if (map.initialValue) line += ` init=${Array.from(map.initialValue, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return line;
}
