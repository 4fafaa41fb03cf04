// The error a refused program raises: the instruction, its disassembly, the register state and the walk so far.
import { SluiceError } from '../util/errors.js';

/** VerifierErrorDetails is what a refusal carries besides its message. */
export interface VerifierErrorDetails {
  /** Slot index of the offending instruction (-1 for whole-program problems such as size). */
  readonly insn: number;
  readonly disassembly: string;
  /** Register state at the instruction, in the kernel log's notation (empty for structural errors). */
  readonly registers: string;
  readonly reason: string;
  /** The walk that led here (log level 2: every step with registers; otherwise the path's last steps). */
  readonly log: string;
}

/**
 * VerifierError is a refusal. Its message's first line reads like the kernel's:
 * `insn #12: r2 = *(u8 *)(r1 + 0): invalid access to packet, off=0 size=1, R1 range=0`,
 * followed by the register state.
 */
export class VerifierError extends SluiceError implements VerifierErrorDetails {
  override name = 'VerifierError';
  readonly insn: number;
  readonly disassembly: string;
  readonly registers: string;
  readonly reason: string;
  readonly log: string;

  constructor(details: VerifierErrorDetails) {
    const where = details.insn >= 0 ? `insn #${details.insn}: ${details.disassembly ? `${details.disassembly}: ` : ''}` : '';
    const state = details.registers ? `\n  state: ${details.registers}` : '';
    super(`${where}${details.reason}${state}`);
    this.insn = details.insn;
    this.disassembly = details.disassembly;
    this.registers = details.registers;
    this.reason = details.reason;
    this.log = details.log;
  }
}
