// The minimal BTF (one FUNC per sub-program) and func_info records the kernel needs for bpf-to-bpf calls and bpf_loop callbacks.
import { CALL, CallSrc, LDDW, PseudoSrc } from '../asm/opcodes.js';
import type { Instruction } from '../asm/instruction.js';

/** FuncInfo is what BPF_PROG_LOAD takes with prog_btf_fd: the BTF blob and one {insn_off, type_id} record per function. */
export interface FuncInfo {
  readonly btf: Uint8Array;
  /** Pairs of u32 (slot of the function's first instruction, BTF id of its FUNC), little-endian. */
  readonly records: Uint8Array;
  readonly count: number;
}

/** FUNC_INFO_RECORD_BYTES is sizeof(struct bpf_func_info). */
export const FUNC_INFO_RECORD_BYTES = 8;

const BTF_MAGIC = 0xeb9f;
const HEADER_BYTES = 24;
const KIND_INT = 1;
const KIND_FUNC = 12;
const KIND_FUNC_PROTO = 13;
const LINKAGE_STATIC = 0;
const LINKAGE_GLOBAL = 1;
const INT_SIGNED = 1 << 24;

/**
 * functionStarts returns the slots where functions begin: 0, and every target of a local call
 * or of a PseudoSrc.FUNC lddw (bpf_loop callbacks), sorted.
 */
export function functionStarts(insns: readonly Instruction[]): number[] {
  const starts = new Set<number>([0]);
  let slot = 0;
  for (const insn of insns) {
    const local = (insn.opcode === CALL && insn.src === CallSrc.LOCAL) || (insn.opcode === LDDW && insn.src === PseudoSrc.FUNC);
    if (local) starts.add(slot + 1 + insn.imm);
    slot += insn.opcode === LDDW ? 2 : 1;
  }
  return [...starts].sort((a, b) => a - b);
}

/**
 * funcInfo describes each function as `int f(void)`: the entry global, the others static (the
 * kernel verifies static functions in their caller's context, and bpf_loop requires static
 * callbacks). The kernel refuses a PseudoSrc.FUNC reference without this information.
 */
export function funcInfo(entryName: string, starts: readonly number[]): FuncInfo {
  const strings = new StringBlob();
  const types: number[] = [];
  // [1] int, [2] int (void), [3..] one FUNC per function.
  types.push(strings.add('int'), (KIND_INT << 24) >>> 0, 4, INT_SIGNED | 32);
  types.push(0, (KIND_FUNC_PROTO << 24) >>> 0, 1);
  starts.forEach((slot, i) => {
    const name = i === 0 ? identifier(entryName) : `sub_${slot}`;
    types.push(strings.add(name), ((KIND_FUNC << 24) | (i === 0 ? LINKAGE_GLOBAL : LINKAGE_STATIC)) >>> 0, 2);
  });
  const stringBytes = strings.bytes();
  const btf = new Uint8Array(HEADER_BYTES + types.length * 4 + stringBytes.length);
  const view = new DataView(btf.buffer);
  view.setUint16(0, BTF_MAGIC, true);
  view.setUint8(2, 1); // version
  view.setUint32(4, HEADER_BYTES, true);
  view.setUint32(8, 0, true); // type_off
  view.setUint32(12, types.length * 4, true);
  view.setUint32(16, types.length * 4, true); // str_off
  view.setUint32(20, stringBytes.length, true);
  types.forEach((word, i) => view.setUint32(HEADER_BYTES + i * 4, word, true));
  btf.set(stringBytes, HEADER_BYTES + types.length * 4);
  const records = new Uint8Array(starts.length * FUNC_INFO_RECORD_BYTES);
  const rv = new DataView(records.buffer);
  starts.forEach((slot, i) => {
    rv.setUint32(i * FUNC_INFO_RECORD_BYTES, slot, true);
    rv.setUint32(i * FUNC_INFO_RECORD_BYTES + 4, 3 + i, true);
  });
  return { btf, records, count: starts.length };
}

/** identifier turns a program name into a valid C identifier, as BTF requires for FUNC names. */
function identifier(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(clean) ? clean : `f_${clean}`;
}

/** StringBlob builds a BTF string section (leading NUL). */
class StringBlob {
  private text = '\0';

  add(s: string): number {
    const at = this.text.length;
    this.text += `${s}\0`;
    return at;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.text, (c) => c.charCodeAt(0));
  }
}
