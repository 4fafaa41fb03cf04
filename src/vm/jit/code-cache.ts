// The JIT's compiled modules kept in a CodeCache: a key over every input of compileProgram, a record of the module and its table.
import { createHash } from 'node:crypto';
import { encode } from '../../asm/instruction.js';
import { LDDW } from '../../asm/opcodes.js';
import type { ProgramSpec } from '../../asm/program.js';
import type { CodeCache } from '../engine.js';
import { type CompiledProgram, type CompileOptions, compileProgram, lddwConstant } from './compile.js';

/**
 * compileCached returns compileProgram(spec, options), taken from `cache` when it holds the module
 * for the same inputs, else checked by `check` (which throws for a program the JIT must not compile),
 * compiled and put there. A module in the cache was compiled from the same bytes after the same
 * check passed, so a cached one skips the check. Without a cache it checks and compiles.
 */
export function compileCached(spec: ProgramSpec, options: CompileOptions, check: () => void, cache?: CodeCache): CompiledProgram {
  const key = cache ? codeKey(spec, options) : undefined;
  const record = key === undefined ? undefined : cache?.get(key);
  if (record) return decodeCompiled(record);
  check();
  const compiled = compileProgram(spec, options);
  if (key !== undefined) cache?.put(key, encodeCompiled(compiled));
  return compiled;
}

/**
 * codeKey hashes everything the module depends on besides the JIT's own code (the cache's owner
 * keys that by build): the instruction bytes, the value of every `lddw` (map handles, map value
 * addresses, function handles), each map's array layout and lookup-cache key size, the budget, the writable range, whether
 * the input is writable, and the proven accesses. Undefined when a value cannot be worked out
 * (compileProgram then reports the program's error).
 */
function codeKey(spec: ProgramSpec, options: CompileOptions): string | undefined {
  const hash = createHash('sha256').update(encode(spec.insns));
  try {
    const constants: string[] = [];
    let slot = 0;
    for (const insn of spec.insns) {
      if (insn.opcode === LDDW) constants.push(`${slot}:${lddwConstant(insn, slot, options)}`);
      slot += insn.opcode === LDDW ? 2 : 1;
    }
    const layouts = spec.maps.map((_, index) => options.arrayLayout(index) ?? null);
    const lookupCaches = spec.maps.map((_, index) => options.cacheableKeySize?.(index) ?? null);
    const safe = [...(options.safeAccesses ?? [])].sort((a, b) => a - b);
    hash.update(JSON.stringify({ constants, layouts, lookupCaches, budget: options.budget, writable: options.writable, writableInput: options.writableInput, safe }));
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/** encodeCompiled writes the table (a u32 count, then u32 pairs of slot and table index) followed by the module's bytes. */
function encodeCompiled(compiled: CompiledProgram): Uint8Array {
  const table = new Uint32Array(1 + 2 * compiled.tableIndex.size);
  table[0] = compiled.tableIndex.size;
  let at = 1;
  for (const [slot, index] of compiled.tableIndex) {
    table[at++] = slot;
    table[at++] = index;
  }
  const record = new Uint8Array(table.byteLength + compiled.binary.length);
  record.set(new Uint8Array(table.buffer), 0);
  record.set(compiled.binary, table.byteLength);
  return record;
}

/** decodeCompiled reads what encodeCompiled wrote. */
function decodeCompiled(record: Uint8Array): CompiledProgram {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const entries = view.getUint32(0, true);
  const tableIndex = new Map<number, number>();
  for (let k = 0; k < entries; k++) tableIndex.set(view.getUint32(4 + 8 * k, true), view.getUint32(8 + 8 * k, true));
  return { binary: record.slice(4 + 8 * entries), tableIndex };
}
