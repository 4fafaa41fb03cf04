// Emitted programs kept across processes: a key over everything a query's program is emitted from, and what the keeper provides.
import { createHash } from 'node:crypto';
import type { ProgramSpec } from '../asm/program.js';

/**
 * ProgramMemo keeps emitted programs by key (the engine backs it with the user's program store), so
 * that a repeated query skips code generation. `get` returns undefined for a program it does not hold.
 */
export interface ProgramMemo {
  get(key: string): ProgramSpec | undefined;
  put(key: string, spec: ProgramSpec): void;
}

/**
 * memoized returns the program `emit` produces from `inputs` (every value it reads): from `memo` when
 * it holds one under their key, else emitted and kept there. Inputs that cannot be keyed exactly
 * (emitKey) are emitted every time. The code generator itself is not in the key: the memo's owner
 * keeps one memo per build of Sluice.
 */
export function memoized(memo: ProgramMemo, inputs: unknown, emit: () => ProgramSpec): ProgramSpec {
  const key = emitKey(inputs);
  const kept = key === undefined ? undefined : memo.get(key);
  if (kept !== undefined) return kept;
  const spec = emit();
  if (key !== undefined) memo.put(key, spec);
  return spec;
}

/** Unkeyable is thrown inside emitKey for a value it cannot write down exactly. */
class Unkeyable extends Error {}

/**
 * emitKey is the SHA-256 (hex) of `inputs` written as tagged JSON: strings, bigints, byte arrays,
 * undefined and numbers JSON cannot tell apart (-0, NaN, ±Infinity) each get a tag of their own, so
 * two different inputs never write the same text. Undefined when the inputs hold anything but plain
 * objects, arrays, those values, booleans and null (a Map, a class instance, a function, anything with toJSON).
 */
export function emitKey(inputs: unknown): string | undefined {
  try {
    return createHash('sha256').update(JSON.stringify(inputs, tagged)).digest('hex');
  } catch (error) {
    if (error instanceof Unkeyable) return undefined;
    throw error;
  }
}

function tagged(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // A value whose toJSON replaced it (a Date, a Buffer) would be written as something else.
  if (this[key] !== value && !Number.isNaN(value)) throw new Unkeyable();
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'bigint':
      return `n${value}`;
    case 'undefined':
      return 'u';
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : `f${Object.is(value, -0) ? '-0' : value}`;
    case 'boolean':
      return value;
    case 'object':
      if (value === null || Array.isArray(value)) return value;
      if (value instanceof Uint8Array) return `b${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
      if (Object.getPrototypeOf(value) === Object.prototype) return value;
      throw new Unkeyable();
    default:
      throw new Unkeyable();
  }
}
