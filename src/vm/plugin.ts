// The bpf_conformance plugin protocol: program bytes on stdin, memory as hex in argv, r0 printed as hex.
import { InstructionError, decode } from '../asm/instruction.js';
import { SluiceError } from '../util/errors.js';
import { runWithMemory } from './conformance.js';
import type { Engine } from './engine.js';

/*
 * bpf_conformance starts a plugin as `plugin "<memory hex bytes>" "<options>"`, writes the
 * program to its stdin as hex bytes separated by spaces ("b7 00 00 00 ..."), reads r0 from
 * stdout with strtoull(..., 16), and treats a non-zero exit as a failure. Raw binary
 * bytecode on stdin is accepted too: it always holds NUL bytes (exit's fields), hex text never does.
 */

/** PluginError is a plugin input Sluice cannot use (bad hex, a program that does not decode). */
export class PluginError extends SluiceError {
  override name = 'PluginError';
}

/** programBytes returns the program from stdin: hex text is decoded, anything else is taken as raw 8-byte slots. */
export function programBytes(input: Uint8Array): Uint8Array {
  const text = Buffer.from(input).toString('latin1');
  if (/^[\s0-9a-fA-F]*$/.test(text)) return hexText(text, 'program on stdin');
  return input;
}

/** hexText reads hex bytes separated by whitespace ("aa bb 0c"); an optional 0x prefix per byte is allowed. */
export function hexText(text: string, what: string): Uint8Array {
  const tokens = text.split(/\s+/).filter(Boolean);
  return Uint8Array.from(tokens, (token) => {
    const digits = token.replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]{1,2}$/.test(digits)) throw new PluginError(`${what}: "${token}" is not a hex byte`);
    return parseInt(digits, 16);
  });
}

/**
 * runPlugin decodes the program, runs it on `engine` with `memory` in the input region
 * (r1 = its address, r2 = its length) and returns r0 as lowercase hex without 0x.
 * Every refusal or fault is a SluiceError whose message names the instruction.
 */
export function runPlugin(engine: Engine, program: Uint8Array, memory: Uint8Array): string {
  if (program.length === 0) throw new PluginError('no program on stdin');
  let insns;
  try {
    insns = decode(program);
  } catch (error) {
    if (error instanceof InstructionError) throw new PluginError(error.message, { cause: error });
    throw error;
  }
  const spec = { name: 'plugin', section: 'plugin', insns, maps: [], license: 'GPL' };
  return runWithMemory(engine, spec, memory).r0.toString(16);
}
