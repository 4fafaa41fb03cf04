// Store instructions: ST, STX and atomics, checked through access.ts and applied to the abstract state.
// Invariants: runs on the current frame of a walked State (cur.insn is the store's slot); every write goes through
// access(), which refuses anything not proven in bounds; an atomic's operand is a scalar, never a pointer.
import type { Instruction } from '../asm/instruction.js';
import { AtomicOp, Class, Mode, MODE_MASK, FRAME_POINTER, sizeBytes } from '../asm/opcodes.js';
import { access, sizedScalar } from './access.js';
import { immediateReg } from './alu.js';
import { type Env, refuse } from './env.js';
import { isPointer, regText, type State } from './state.js';

/** store checks and applies one ST/STX (plain or atomic) instruction on `cur`'s current frame. */
export function store(env: Env, cur: State, insn: Instruction, cls: number): void {
  const regs = cur.frames[cur.frames.length - 1]!.regs;
  const size = sizeBytes(insn.opcode);
  if (cls === Class.ST) {
    const value = immediateReg(insn, true);
    access(env, cur, { kind: 'write', baseNo: insn.dst, off: insn.offset, size, signed: false, value });
    return;
  }
  const value = regs[insn.src]!;
  if (value.type === 'not_init') refuse(`R${insn.src} !read_ok`);
  if ((insn.opcode & MODE_MASK) !== Mode.ATOMIC) {
    access(env, cur, { kind: 'write', baseNo: insn.dst, off: insn.offset, size, signed: false, value, valueNo: insn.src });
    return;
  }
  if (isPointer(value)) refuse(`R${insn.src} leaks addr into mem`);
  const exchange = insn.imm === AtomicOp.CMPXCHG;
  if (exchange && regs[0]!.type !== 'scalar') refuse(`R0 must be an initialised scalar for cmpxchg (${regText(regs[0]!, env.spec.maps)})`);
  access(env, cur, { kind: 'atomic', baseNo: insn.dst, off: insn.offset, size, signed: false, value, valueNo: insn.src });
  const fetched = sizedScalar(size, false);
  if (exchange) regs[0] = fetched;
  else if (insn.imm & AtomicOp.FETCH) {
    if (insn.src === FRAME_POINTER) refuse('frame pointer is read only');
    regs[insn.src] = fetched;
  }
}
