// Errors from the Linux bpf() interface: a failed system call, a program the verifier refused, no kernel at all.
import { SluiceError } from '../util/errors.js';

/** KernelError is a bpf() or libc call that failed; `code` is the errno name (e.g. "EPERM"). */
export class KernelError extends SluiceError {
  override name = 'KernelError';

  constructor(
    /** What was being done and to what, e.g. "BPF_MAP_CREATE for map 'counts'". */
    readonly operation: string,
    readonly errno: number,
    readonly code: string,
    detail?: string,
  ) {
    super(`${operation} failed: ${code} (errno ${errno})${detail ? `: ${detail}` : ''}`);
  }
}

/**
 * KernelVerifierError is BPF_PROG_LOAD refusing a program. `log` is the kernel verifier's log
 * (its tail, if it outgrew the buffer); the message gives the insn #N when known and quotes the
 * log's last meaningful line, which is usually the reason.
 */
export class KernelVerifierError extends KernelError {
  override name = 'KernelVerifierError';

  constructor(
    readonly program: string,
    errno: number,
    code: string,
    readonly log: string,
    /** Slot of the instruction the verifier stopped at, when its log traced instructions. */
    readonly insn?: number,
  ) {
    const at = insn === undefined ? '' : ` at insn #${insn}`;
    super(`BPF_PROG_LOAD of program '${program}'`, errno, code, `the kernel verifier refused it${at}: ${lastReason(log)}`);
  }
}

/** KernelUnavailableError is raised when the kernel interface is used where it cannot work. */
export class KernelUnavailableError extends SluiceError {
  override name = 'KernelUnavailableError';
}

/** lastReason picks the verifier log line that explains a refusal (the last line that is not a statistic). */
function lastReason(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const meaningful = lines.filter((l) => !/^(processed \d+ insns|verification time|stack depth)/.test(l));
  return meaningful[meaningful.length - 1] ?? lines[lines.length - 1] ?? '(empty verifier log)';
}
