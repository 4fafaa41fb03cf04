// Parts of instruction parsing common to both syntaxes: the parse result, calls, lddw sources, memory operands.
import type { Token, TokenCursor } from './asm-lexer.js';
import { type Instruction, lddwFrom, withField } from './instruction.js';
import { CALL, CALLX, CallSrc, PseudoSrc } from './opcodes.js';
import { HELPERS } from './helpers.js';
import { type Target, readImm32, readImm64, readOffset16, readRegister, readRegister64, readTarget, registerNumber } from './asm-operands.js';

/** LabelRef is a label a parsed instruction still needs, and the field its slot offset goes into. */
export interface LabelRef {
  readonly label: string;
  readonly token: Token;
  readonly field: 'offset' | 'imm';
}

/** ParsedInsn is one parsed instruction with the label and map names it still needs resolved. */
export interface ParsedInsn {
  readonly insn: Instruction;
  readonly labelRef?: LabelRef;
  /** A map named by `map[NAME]`: its index goes into `imm`. */
  readonly mapRef?: { readonly name: string; readonly token: Token };
}

/** insn builds an Instruction whose unmentioned fields are 0. */
export function insn(opcode: number, dst = 0, src = 0, offset = 0, imm = 0): Instruction {
  return { opcode, dst, src, offset, imm };
}

/** withTarget places a relative target in `field`, or records the label to resolve later. */
export function withTarget(insn: Instruction, target: Target, field: 'offset' | 'imm'): ParsedInsn {
  if (target.kind === 'relative') return { insn: withField(insn, field, target.offset) };
  return { insn, labelRef: { label: target.label, token: target.token, field } };
}

/** helperIdByName returns the id of a helper named `bpf_x` or `x`, or undefined. */
function helperIdByName(name: string): number | undefined {
  const bare = name.startsWith('bpf_') ? name.slice(4) : name;
  for (const proto of HELPERS.values()) if (proto.name === bare) return proto.id;
  return undefined;
}

/**
 * parseCall reads what follows `call`: `N` or a helper name (helper), `%rN`/`rN` (callx),
 * `local T`, `pc+N` or another label (local call), `helper N`, `kfunc N` / `runtime N` (kfunc).
 */
export function parseCall(cur: TokenCursor): ParsedInsn {
  const helper = (imm: number): ParsedInsn => ({ insn: insn(CALL, 0, CallSrc.HELPER, 0, imm) });
  const local = insn(CALL, 0, CallSrc.LOCAL);
  const token = cur.peek();
  if (!token) throw cur.fail('call needs a helper id, a helper name, a register or a local target');
  if (token.kind === 'percent' || registerNumber(token.text)) return parseCallx(cur);
  if (token.kind === 'number' || token.text === '-' || token.text === '+') return helper(readImm32(cur, 'a helper id'));
  cur.next('a call target');
  switch (token.text) {
    case 'local':
    case 'pc':
      return withTarget(local, readTarget(cur, 32), 'imm');
    case 'helper':
      return cur.peek()?.kind === 'number' ? helper(readImm32(cur, 'a helper id')) : parseCallx(cur);
    case 'kfunc':
    case 'runtime':
      return { insn: insn(CALL, 0, CallSrc.KFUNC, 0, readImm32(cur, 'a kfunc id')) };
    default: {
      const id = helperIdByName(token.text);
      if (id !== undefined) return helper(id);
      return withTarget(local, { kind: 'label', label: token.text, token }, 'imm');
    }
  }
}

/** parseCallx reads the register of `callx rN` (the register goes in dst, as Linux encodes it). */
export function parseCallx(cur: TokenCursor): ParsedInsn {
  return { insn: insn(CALLX, readRegister(cur).reg) };
}

/**
 * parseLddwSource reads the value of an lddw into `dst`: a 64-bit constant, `map[NAME]`
 * (map reference), `map[NAME][0]+OFF` (pointer into the map's value), `func[T]` (a sub-program
 * for bpf_loop) or `pseudo[SRC][IMM][IMM2]` (any other pseudo source, raw).
 */
export function parseLddwSource(cur: TokenCursor, dst: number): ParsedInsn {
  const token = cur.peek();
  if (token?.text === 'map' && cur.is('[', 1)) {
    cur.next('map');
    cur.expect('[');
    const name = cur.next('a map name');
    if (name.kind !== 'word') throw cur.fail(`expected a map name, found '${name.text}'`, name);
    cur.expect(']');
    const mapRef = { name: name.text, token: name };
    if (!cur.accept('[')) return { insn: lddwFrom(dst, 0n, PseudoSrc.MAP_FD), mapRef };
    const key = cur.next('0');
    if (key.text !== '0') throw cur.fail(`a map value reference reads entry [0], not [${key.text}]`, key);
    cur.expect(']');
    const offset = cur.is('+') || cur.is('-') ? readImm32(cur, 'a value offset') : 0;
    return { insn: { ...lddwFrom(dst, 0n, PseudoSrc.MAP_VALUE), imm2: offset }, mapRef };
  }
  if (token?.text === 'func' && cur.is('[', 1)) {
    cur.next('func');
    cur.expect('[');
    const target = readTarget(cur, 32);
    cur.expect(']');
    return withTarget(lddwFrom(dst, 0n, PseudoSrc.FUNC), target, 'imm');
  }
  if (token?.text === 'pseudo' && cur.is('[', 1)) {
    cur.next('pseudo');
    const field = () => {
      cur.expect('[');
      const value = readImm32(cur);
      cur.expect(']');
      return value;
    };
    const srcToken = cur.peek(1);
    const src = field();
    if (src < 0 || src > PseudoSrc.MAP_IDX_VALUE) throw cur.fail(`lddw pseudo source ${src} is not 0..6`, srcToken);
    const imm = field();
    const imm2 = field();
    return { insn: { ...lddwFrom(dst, 0n, src), imm, imm2 } };
  }
  return { insn: lddwFrom(dst, readImm64(cur)) };
}

/** MemOperand is a base register and a signed 16-bit offset. */
export interface MemOperand {
  readonly reg: number;
  readonly offset: number;
}

/** readClassicMem reads `[%rN]`, `[%rN+OFF]` or `[%rN-OFF]`. */
export function readClassicMem(cur: TokenCursor): MemOperand {
  if (!cur.is('[')) {
    const found = cur.peek();
    throw cur.fail(`expected a memory operand like [%r1+4]${found ? `, found '${found.text}'` : ''}`, found);
  }
  cur.expect('[');
  const reg = readRegister64(cur, 'an address needs a 64-bit register');
  const offset = cur.is('+') || cur.is('-') ? readOffset16(cur) : 0;
  cur.expect(']');
  return { reg, offset };
}

/** readAddress reads the kernel-syntax address `(rN + OFF)`, `(rN - OFF)` or `(rN)`, parentheses included. */
export function readAddress(cur: TokenCursor): MemOperand {
  cur.expect('(');
  const mem = readAddressBody(cur);
  cur.expect(')');
  return mem;
}

/** readAddressBody reads `rN + OFF` without parentheses, as xchg and cmpxchg write it. */
export function readAddressBody(cur: TokenCursor): MemOperand {
  const reg = readRegister64(cur, 'an address needs a 64-bit register');
  const offset = cur.is('+') || cur.is('-') ? readOffset16(cur) : 0;
  return { reg, offset };
}
