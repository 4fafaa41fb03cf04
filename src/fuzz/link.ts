// Label linking for the program generators: a jump, local call or function reference that names a label gets the label's slot distance.
import { type Instruction, width } from '../asm/instruction.js';
import { CALL, LDDW } from '../asm/opcodes.js';

/** LinkItem is an instruction (maybe naming the label it refers to) or the place of a label. */
export type LinkItem<Label> = { readonly insn: Instruction; readonly to?: Label } | { readonly at: Label };

/**
 * link drops the label places and writes each reference's distance, the label's slot minus (this
 * instruction's slot + 1): into `imm` for a local call or an lddw function reference, else into `offset`.
 */
export function link<Label>(items: readonly LinkItem<Label>[]): Instruction[] {
  const slotOf = new Map<Label, number>();
  let slot = 0;
  for (const item of items) {
    if ('at' in item) slotOf.set(item.at, slot);
    else slot += width(item.insn);
  }
  const out: Instruction[] = [];
  slot = 0;
  for (const item of items) {
    if ('at' in item) continue;
    let insn = item.insn;
    if (item.to !== undefined) {
      const distance = slotOf.get(item.to)! - (slot + 1);
      insn = insn.opcode === CALL || insn.opcode === LDDW ? { ...insn, imm: distance } : { ...insn, offset: distance };
    }
    out.push(insn);
    slot += width(insn);
  }
  return out;
}
