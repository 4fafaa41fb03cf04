// bpf_conformance test files (.data): parse them, and run one program with its memory on an engine.
import { assemble } from '../asm/assembler.js';
import { decode } from '../asm/instruction.js';
import type { ProgramSpec } from '../asm/program.js';
import { SluiceError } from '../util/errors.js';
import type { Engine, RunResult } from './engine.js';
import { Runtime, type RuntimeOptions } from './runtime.js';

/** ConformanceCase is one .data file: its program (assembly or raw bytes), memory and expectation. */
export interface ConformanceCase {
  readonly file: string;
  readonly asm?: string;
  readonly raw?: Uint8Array;
  readonly memory: Uint8Array;
  /** Expected r0, all 64 bits. */
  readonly result?: bigint;
  /** Expected failure text (negative tests). */
  readonly error?: string;
}

/** ConformanceFormatError is a .data file this parser cannot read. */
export class ConformanceFormatError extends SluiceError {
  override name = 'ConformanceFormatError';
}

/** parseConformance splits a .data file into its `-- asm`, `-- raw`, `-- mem`, `-- result` and `-- error` sections. */
export function parseConformance(text: string, file: string): ConformanceCase {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^-- (.+?)\s*$/.exec(line);
    if (header) {
      current = [];
      sections.set(header[1] as string, current);
    } else if (current) {
      current.push(line);
    }
  }
  const body = (name: string) => sections.get(name)?.join('\n');
  const result = body('result')?.trim();
  const raw = body('raw');
  const asm = body('asm');
  const error = body('error');
  return {
    file,
    memory: hexBytes(body('mem') ?? '', file),
    ...(asm !== undefined ? { asm } : {}),
    ...(raw !== undefined ? { raw: rawProgram(raw, file) } : {}),
    ...(result ? { result: BigInt.asUintN(64, BigInt(result)) } : {}),
    ...(error !== undefined ? { error: error.trim() } : {}),
  };
}

/** hexBytes reads whitespace-separated hex byte pairs ("aa bb 0c"), ignoring `#` comments. */
export function hexBytes(text: string, where: string): Uint8Array {
  const tokens = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  return Uint8Array.from(tokens, (token) => {
    if (!/^[0-9a-fA-F]{1,2}$/.test(token)) throw new ConformanceFormatError(`${where}: "${token}" is not a hex byte`);
    return parseInt(token, 16);
  });
}

/** rawProgram reads a `-- raw` section: one 0x-prefixed 64-bit word per slot (the slot as a little-endian u64), or hex bytes. */
function rawProgram(text: string, where: string): Uint8Array {
  const words = text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  if (words.length > 0 && words.every((w) => /^0x[0-9a-fA-F]{16}$/.test(w))) {
    const bytes = new Uint8Array(words.length * 8);
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => view.setBigUint64(i * 8, BigInt(w), true));
    return bytes;
  }
  return hexBytes(words.join(' '), where);
}

/** programOf builds the case's program: from `-- raw` bytes when present, else by assembling `-- asm`. */
export function programOf(test: ConformanceCase): ProgramSpec {
  if (test.raw) return { name: test.file, section: 'conformance', insns: decode(test.raw), maps: [], license: 'GPL' };
  if (test.asm !== undefined) return assemble(test.asm, { file: test.file, name: test.file });
  throw new ConformanceFormatError(`${test.file}: no -- asm or -- raw section`);
}

/**
 * runWithMemory loads `program` on `engine` in a fresh runtime whose input region holds
 * `memory` (writable, as bpf_conformance expects) and runs it with r1 = its address and
 * r2 = its length (r1 = 0 when there is no memory, like a null pointer).
 */
export function runWithMemory(engine: Engine, program: ProgramSpec, memory: Uint8Array, options: RuntimeOptions = {}): RunResult {
  const runtime = new Runtime(program.maps, { writableInput: true, seed: 1, clock: () => 0n, ...options });
  const executable = engine.load(program, runtime);
  const address = runtime.space.setInput(memory);
  return executable.run(memory.length > 0 ? address : 0, memory.length);
}

/** ConformanceOutcome is what one case produced: r0, or the error that stopped it (at any stage). */
export type ConformanceOutcome = { readonly r0: bigint } | { readonly error: Error };

/** runConformance assembles/decodes, loads and runs one case on `engine`, catching any refusal or fault. */
export function runConformance(test: ConformanceCase, engine: Engine): ConformanceOutcome {
  try {
    return { r0: runWithMemory(engine, programOf(test), test.memory).r0 };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
