// Finds the lddw that last set a register earlier in the same basic block: map and callback arguments the JIT can see.
import type { Instruction } from '../../asm/instruction.js';
import { Class, CLASS_MASK, LDDW, Mode, MODE_MASK } from '../../asm/opcodes.js';

/** KnownLddw is the lddw that gave a register its value, and its slot. */
export interface KnownLddw {
  readonly insn: Instruction;
  readonly slot: number;
}

/**
 * lddwBefore returns the lddw that wrote `reg` last among slots [blockStart, slot), when
 * nothing after it in that range may have written `reg`; undefined otherwise. Within one basic
 * block execution is straight-line, so the register still holds the lddw's constant at `slot`.
 */
export function lddwBefore(
  slots: readonly (Instruction | undefined)[],
  blockStart: number,
  slot: number,
  reg: number,
): KnownLddw | undefined {
  for (let s = slot - 1; s >= blockStart; s--) {
    const insn = slots[s];
    if (!insn) continue;
    if (insn.opcode === LDDW && insn.dst === reg) return { insn, slot: s };
    if (mayWrite(insn, reg)) return undefined;
  }
  return undefined;
}

/** mayWrite is conservative: any call or atomic counts as a write, as does any ALU or load into `reg`. */
function mayWrite(insn: Instruction, reg: number): boolean {
  switch (insn.opcode & CLASS_MASK) {
    case Class.ALU:
    case Class.ALU64:
    case Class.LDX:
    case Class.LD:
      return insn.dst === reg;
    case Class.STX:
      return (insn.opcode & MODE_MASK) === Mode.ATOMIC;
    case Class.ST:
      return false;
    default:
      return true;
  }
}
