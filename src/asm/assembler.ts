// Assembler: eBPF assembly text (bpf_conformance and kernel/llvm-objdump syntax, even mixed) to a ProgramSpec.
import { AssemblerError, type Token, TokenCursor, type Where, stripComment, tokenize } from './asm-lexer.js';
import { type ParsedInsn } from './asm-common.js';
import { isClassicMnemonic, parseClassic } from './asm-classic.js';
import { parseKernel } from './asm-kernel.js';
import { type ProgramHeader, parseMapDirective, parseProgramDirective } from './asm-directives.js';
import { type Instruction, width, withField } from './instruction.js';
import { EXIT } from './opcodes.js';
import type { MapSpec, ProgramSpec } from './program.js';

export { AssemblerError } from './asm-lexer.js';

/** AssembleOptions names the source (for error locations) and sets the spec's metadata over any `.program` line. */
export interface AssembleOptions {
  /** File name used in error locations (default "<asm>"). */
  readonly file?: string;
  /** Program name (default "main"). */
  readonly name?: string;
  /** Section or program type hint (default "text"). */
  readonly section?: string;
  /** License string (default "GPL"). */
  readonly license?: string;
}

interface Located extends ParsedInsn {
  readonly slot: number;
  readonly where: Where;
}

/**
 * assemble turns assembly text into a ProgramSpec. Each line holds optional `label:`s, then one
 * instruction in either syntax; `#`, `//` and `;` start comments.
 *
 * - classic (bpf_conformance): `add32 %r1, 5`, `ldxw %r0, [%r1+4]`, `jne %r1, 0, label`, `lock fetch add [%r10-8], %r1`;
 *   `exit` as a jump target means the first `exit` unless a label has that name.
 * - kernel (llvm-objdump): `w1 += 5`, `r0 = *(u32 *)(r1 + 4)`, `if r1 != 0 goto label`, `r0 = 0x1 ll`.
 * - both: `call 1`, `call bpf_map_lookup_elem`, `call local f` / `call pc+3` / `call f` (local call),
 *   `callx r2` / `call %r2`, `call kfunc 5`.
 * - maps: `.map NAME TYPE key=K value=V entries=N [flags=F] [readonly] [init=HEX]` declares one;
 *   `r1 = map[NAME] ll` loads a reference, `r1 = map[NAME][0]+8 ll` a pointer into its value,
 *   `r2 = func[label] ll` a sub-program (bpf_loop), `pseudo[SRC][IMM][IMM2]` any other lddw source.
 * - `.program NAME [section=S] [license=TEXT]` sets the spec's name, section and license (options win).
 * - listings: slot numbers, raw bytes, `<symbol>:` headers and `<symbol>` notes from the disassembler
 *   or llvm-objdump are skipped, so their output assembles back.
 *
 * Jump offsets count slots from the next instruction (lddw takes two). Throws AssemblerError
 * (file:line:column) on the first mistake.
 */
export function assemble(source: string, options: AssembleOptions = {}): ProgramSpec {
  const file = options.file ?? '<asm>';
  const parsed: Located[] = [];
  const labels = new Map<string, number>();
  const maps: MapSpec[] = [];
  const mapDeclared = new Map<string, number>();
  let slot = 0;
  let firstExit: number | undefined;
  let header: ProgramHeader | undefined;

  source.split('\n').forEach((rawLine, index) => {
    const where = { file, line: index + 1 };
    const line = stripComment(rawLine);
    if (/^\s*\S+:\s+file format /.test(line) || /^\s*Disassembly of section /.test(line)) return;
    const symbol = /^\s*[0-9a-fA-F]+ <([^>]+)>:\s*$/.exec(line);
    if (symbol) {
      defineLabel(labels, symbol[1]!, slot, where, line.indexOf('<') + 2);
      return;
    }
    // A disassembly line starts with its slot number and maybe raw bytes: neither is needed to assemble.
    const address = /^\s*\d+:\s*(?:[0-9a-fA-F]{2}(?:\s+|$))*/.exec(line);
    const start = address ? address[0].length : 0;
    const body = line.slice(start);
    if (/^\s*\.map\b/.test(body)) {
      const map = parseMapDirective(body, where, start + 1);
      const at = /^\s*\.map\s+/.exec(body)![0].length + start + 1;
      if (mapDeclared.has(map.name)) throw new AssemblerError(file, where.line, at, `duplicate map '${map.name}'`);
      mapDeclared.set(map.name, maps.length);
      maps.push(map);
      return;
    }
    if (/^\s*\.program\b/.test(body)) {
      const column = start + body.search(/\S/) + 1;
      if (header) throw new AssemblerError(file, where.line, column, 'a second .program line');
      header = parseProgramDirective(body, where, start + 1);
      return;
    }
    if (/^\s*\./.test(body)) {
      const column = start + body.search(/\S/) + 1;
      throw new AssemblerError(file, where.line, column, `unknown directive '${body.trim().split(/\s/)[0]}'`);
    }
    const tokens = tokenize(body, where, start + 1);
    let first = 0;
    while (tokens[first]?.kind === 'word' && tokens[first + 1]?.text === ':') {
      defineLabel(labels, tokens[first]!.text, slot, where, tokens[first]!.column);
      first += 2;
    }
    if (first === tokens.length) return;
    const cur = new TokenCursor(tokens.slice(first), where, line.length + 1);
    const insn = parseLine(cur);
    if (insn.insn.opcode === EXIT) firstExit ??= slot;
    parsed.push({ insn: insn.insn, labelRef: insn.labelRef, mapRef: insn.mapRef, slot, where });
    slot += width(insn.insn);
  });

  if (parsed.length === 0) throw new AssemblerError(file, 1, 1, 'the program has no instructions');
  if (firstExit !== undefined && !labels.has('exit')) labels.set('exit', firstExit);
  const insns = parsed.map((p) => resolve(p, labels, mapDeclared));
  return {
    name: options.name ?? header?.name ?? 'main',
    section: options.section ?? header?.section ?? 'text',
    insns,
    maps,
    license: options.license ?? header?.license ?? 'GPL',
  };
}

/** parseLine dispatches on the first token: a classic mnemonic, else the kernel syntax. */
function parseLine(cur: TokenCursor): ParsedInsn {
  const first = cur.peek()!;
  const kernelLock = first.text === 'lock' && cur.is('*', 1);
  if (first.kind === 'word' && isClassicMnemonic(first.text) && !kernelLock) {
    cur.next('a mnemonic');
    return parseClassic(first, cur);
  }
  return parseKernel(cur);
}

function defineLabel(labels: Map<string, number>, name: string, slot: number, where: Where, column: number): void {
  if (labels.has(name)) {
    throw new AssemblerError(where.file, where.line, column, `duplicate label '${name}' (first defined at insn #${labels.get(name)})`);
  }
  labels.set(name, slot);
}

/** resolve fills in a parsed instruction's label offset and map index. */
function resolve(p: Located, labels: ReadonlyMap<string, number>, maps: ReadonlyMap<string, number>): Instruction {
  const fail = (token: Token, reason: string) => new AssemblerError(p.where.file, p.where.line, token.column, reason);
  let insn = p.insn;
  if (p.labelRef) {
    const { label, token, field } = p.labelRef;
    const target = labels.get(label);
    if (target === undefined) throw fail(token, `undefined label '${label}'`);
    const offset = target - (p.slot + 1);
    if (field === 'offset' && (offset < -0x8000 || offset > 0x7fff)) {
      throw fail(token, `label '${label}' is ${offset} slots away, beyond a 16-bit jump offset (use ja32 / gotol)`);
    }
    insn = withField(insn, field, offset);
  }
  if (p.mapRef) {
    const index = maps.get(p.mapRef.name);
    if (index === undefined) throw fail(p.mapRef.token, `undefined map '${p.mapRef.name}' (declare it with .map)`);
    insn = { ...insn, imm: index };
  }
  return insn;
}
