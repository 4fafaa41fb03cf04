// The minimal BTF (one FUNC per sub-program) and func_info records the kernel needs for bpf-to-bpf calls and bpf_loop callbacks.
import { namedFunction } from '../asm/control.js';
import { type Instruction, width } from '../asm/instruction.js';
import { BtfBuilder, btfIdentifier, Linkage } from '../elf/btf-writer.js';

/** FuncInfo is what BPF_PROG_LOAD takes with prog_btf_fd: the BTF blob and one {insn_off, type_id} record per function. */
export interface FuncInfo {
  readonly btf: Uint8Array;
  /** Pairs of u32 (slot of the function's first instruction, BTF id of its FUNC), little-endian. */
  readonly records: Uint8Array;
  readonly count: number;
}

/** FUNC_INFO_RECORD_BYTES is sizeof(struct bpf_func_info). */
export const FUNC_INFO_RECORD_BYTES = 8;

/**
 * functionStarts returns the slots where functions begin: 0, and every target of a local call
 * or of a PseudoSrc.FUNC lddw (bpf_loop callbacks), sorted.
 */
export function functionStarts(insns: readonly Instruction[]): number[] {
  const starts = new Set<number>([0]);
  let slot = 0;
  for (const insn of insns) {
    const callee = namedFunction(insn, slot);
    if (callee !== undefined) starts.add(callee);
    slot += width(insn);
  }
  return [...starts].sort((a, b) => a - b);
}

/**
 * funcInfo describes each function as `int f(void)`: the entry global, the others static (the
 * kernel verifies static functions in their caller's context, and bpf_loop requires static
 * callbacks). The kernel refuses a PseudoSrc.FUNC reference without this information.
 */
export function funcInfo(entryName: string, starts: readonly number[]): FuncInfo {
  const btf = new BtfBuilder();
  const proto = btf.funcProto(btf.int('int', 4));
  const ids = starts.map((slot, i) =>
    i === 0 ? btf.func(btfIdentifier(entryName), proto, Linkage.GLOBAL) : btf.func(`sub_${slot}`, proto, Linkage.STATIC),
  );
  const records = new Uint8Array(starts.length * FUNC_INFO_RECORD_BYTES);
  const view = new DataView(records.buffer);
  starts.forEach((slot, i) => {
    view.setUint32(i * FUNC_INFO_RECORD_BYTES, slot, true);
    view.setUint32(i * FUNC_INFO_RECORD_BYTES + 4, ids[i]!, true);
  });
  return { btf: btf.bytes(), records, count: starts.length };
}
