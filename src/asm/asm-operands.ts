// Operand readers shared by both assembler syntaxes: registers, range-checked numbers, jump targets.
import type { Token, TokenCursor } from './asm-lexer.js';

/** RegisterOperand is a register as written: `%r3` (classic), `r3` (64-bit view) or `w3` (32-bit view). */
export interface RegisterOperand {
  readonly reg: number;
  readonly view: 'r' | 'w';
  readonly token: Token;
}

/** Target is a jump or call destination: a label to resolve, or a slot offset written as a number. */
export type Target =
  | { readonly kind: 'label'; readonly label: string; readonly token: Token }
  | { readonly kind: 'relative'; readonly offset: number; readonly token: Token };

/** registerNumber parses `r7`, `w7` or `%r7` into its number and view, or undefined if the word is not one. */
export function registerNumber(text: string): { reg: number; view: 'r' | 'w' } | undefined {
  const m = /^%?([rw])(\d+)$/.exec(text);
  if (!m || (text.startsWith('%') && m[1] === 'w')) return undefined;
  return { reg: Number(m[2]), view: m[1] as 'r' | 'w' };
}

/** looksLikeRegister tells whether a token is meant as a register (so a bad number is reported as such). */
export function looksLikeRegister(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'percent' || /^[rw]\d+$/.test(token.text));
}

/** readRegister consumes a register; `%rN` and `rN` give view 'r', `wN` gives 'w'. */
export function readRegister(cur: TokenCursor): RegisterOperand {
  const token = cur.next('a register');
  const parsed = registerNumber(token.text);
  if (!parsed) {
    const reason = looksLikeRegister(token) || token.kind === 'percent' ? 'invalid register' : 'expected a register, found';
    throw cur.fail(`${reason} '${token.text}'`, token);
  }
  if (parsed.reg > 10) throw cur.fail(`invalid register '${token.text}': registers are r0..r10`, token);
  return { reg: parsed.reg, view: parsed.view, token };
}

/** readRegister64 consumes a register that must be written in its 64-bit view (`%rN` or `rN`); `why` explains. */
export function readRegister64(cur: TokenCursor, why: string): number {
  const operand = readRegister(cur);
  if (operand.view === 'w') throw cur.fail(`'${operand.token.text}' is a 32-bit view: ${why}`, operand.token);
  return operand.reg;
}

/** readSigned consumes an optional sign and a number, returning the signed value and whether it was hex. */
function readSigned(cur: TokenCursor, what: string): { value: bigint; hex: boolean; token: Token } {
  const first = cur.peek();
  const negative = cur.accept('-');
  if (!negative) cur.accept('+');
  const token = cur.next(what);
  if (token.kind !== 'number') throw cur.fail(`expected ${what}, found '${token.text}'`, token);
  const magnitude = BigInt(token.text);
  return { value: negative ? -magnitude : magnitude, hex: /^0x/i.test(token.text), token: first ?? token };
}

/**
 * fitBits checks a written number against a signed field of `bits` bits and returns the field's value.
 * Decimal must be in the signed range; hex (the bit pattern) may reach 2^bits - 1, negative hex -2^(bits-1).
 */
function fitBits(
  cur: TokenCursor,
  n: { value: bigint; hex: boolean; token: Token },
  bits: number,
  what: string,
): bigint {
  const min = -(1n << BigInt(bits - 1));
  const max = n.hex && n.value >= 0n ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  if (n.value < min || n.value > max) {
    const range = n.hex ? `${min}..0x${max.toString(16)}` : `${min}..${max}`;
    const hint = what === 'immediate' ? '; a 64-bit constant needs lddw (`ll`)' : '';
    throw cur.fail(`${what} ${n.value} is out of range (${range})${hint}`, n.token);
  }
  return BigInt.asIntN(bits, n.value);
}

/** readImm32 consumes a 32-bit immediate (int32 decimal, or hex up to 0xffffffff as its bit pattern). */
export function readImm32(cur: TokenCursor, what = 'an immediate'): number {
  return Number(fitBits(cur, readSigned(cur, what), 32, 'immediate'));
}

/** readImm64 consumes a 64-bit constant (decimal -2^63..2^64-1, or hex up to 0xffffffffffffffff). */
export function readImm64(cur: TokenCursor): bigint {
  const n = readSigned(cur, 'a 64-bit constant');
  const max = (1n << 64n) - 1n;
  if (n.value < -(1n << 63n) || n.value > max) throw cur.fail(`constant ${n.value} does not fit in 64 bits`, n.token);
  return BigInt.asUintN(64, n.value);
}

/** readOffset16 consumes a signed 16-bit memory offset (decimal int16, or hex up to 0xffff as its bit pattern). */
export function readOffset16(cur: TokenCursor): number {
  return Number(fitBits(cur, readSigned(cur, 'an offset'), 16, 'offset'));
}

/**
 * readTarget consumes a jump target: `+N`/`-N`/`N` (slots after the next instruction) or a label.
 * `bits` is the width of the field the offset lands in (16 for jumps, 32 for ja32 and calls).
 * llvm-objdump's trailing `<symbol>` annotation is skipped.
 */
export function readTarget(cur: TokenCursor, bits: 16 | 32): Target {
  const token = cur.peek();
  let target: Target;
  if (token?.kind === 'word') {
    cur.next('a label');
    target = { kind: 'label', label: token.text, token };
  } else {
    const n = readSigned(cur, 'a jump target (label or +offset)');
    const offset = Number(fitBits(cur, { value: n.value, hex: false, token: n.token }, bits, 'jump offset'));
    target = { kind: 'relative', offset, token: n.token };
  }
  skipSymbolNote(cur);
  return target;
}

/** skipSymbolNote skips llvm-objdump's `<symbol+0x10>` annotation after a jump or call target. */
function skipSymbolNote(cur: TokenCursor): void {
  if (!cur.is('<')) return;
  while (!cur.atEnd() && !cur.is('>')) cur.next("'>'");
  cur.expect('>');
}
