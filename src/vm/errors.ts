// The named faults and refusals an engine or the runtime reports, each naming the instruction (insn #N).
import { SluiceError } from '../util/errors.js';
import type { Region } from './memory.js';

/** VmError is the base of every fault or refusal from the vm layer; `slot` is the instruction's slot index. */
export class VmError extends SluiceError {
  override name = 'VmError';
  constructor(
    readonly slot: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (insn #${slot})`, options);
  }
}

/** OutOfBoundsAccess is a load, store or helper access outside every valid region of the address space. */
export class OutOfBoundsAccess extends VmError {
  override name = 'OutOfBoundsAccess';
  constructor(
    slot: number,
    readonly address: number,
    readonly size: number,
    nearest: Region | undefined,
  ) {
    super(slot, `out-of-bounds access of ${size} bytes at ${formatAddress(address)}${describeNearest(address, nearest)}`);
  }
}

/** WriteToReadOnly is a store (or helper write) into a region the program may only read. */
export class WriteToReadOnly extends VmError {
  override name = 'WriteToReadOnly';
  constructor(
    slot: number,
    readonly address: number,
    readonly size: number,
    region: Region,
  ) {
    super(slot, `write of ${size} bytes at ${formatAddress(address)} into the read-only ${regionName(region)}`);
  }
}

/** BudgetExceeded is a run that executed more instructions than the runtime's per-run budget allows. */
export class BudgetExceeded extends VmError {
  override name = 'BudgetExceeded';
  constructor(
    slot: number,
    readonly budget: number,
  ) {
    super(slot, `instruction budget of ${budget} instructions per run exceeded`);
  }
}

/** CallDepthExceeded is a local call or callback that would need more than the 8 stack frames there are. */
export class CallDepthExceeded extends VmError {
  override name = 'CallDepthExceeded';
  constructor(
    slot: number,
    readonly limit: number,
  ) {
    super(slot, `call depth exceeds ${limit} frames`);
  }
}

/** UnknownHelper is a call to a helper id Sluice does not offer (refused at load, or by callx at run time). */
export class UnknownHelper extends VmError {
  override name = 'UnknownHelper';
  constructor(
    slot: number,
    readonly helperId: number,
  ) {
    super(slot, `unknown helper function id ${helperId}`);
  }
}

/** InvalidProgram is a structural defect found before running: bad jump, missing exit, write to r10, uninitialised read. */
export class InvalidProgram extends VmError {
  override name = 'InvalidProgram';
  constructor(slot: number, reason: string) {
    super(slot, `invalid program: ${reason}`);
  }
}

/** JitLimit is a valid program the JIT cannot translate (the interpreter still runs it). */
export class JitLimit extends VmError {
  override name = 'JitLimit';
  constructor(
    slot: number,
    readonly program: string,
    reason: string,
  ) {
    super(slot, `the JIT cannot translate program "${program}": ${reason}`);
  }
}

/** InvalidHelperArgument is a helper called with an argument it cannot accept (a bad map handle or callback). */
export class InvalidHelperArgument extends VmError {
  override name = 'InvalidHelperArgument';
  constructor(slot: number, reason: string) {
    super(slot, `invalid helper argument: ${reason}`);
  }
}

function formatAddress(address: number): string {
  return `0x${(address < 0 ? address + 2 ** 32 : address).toString(16)}`;
}

function regionName(region: Region): string {
  return region.kind === 'map' ? `value region of map #${region.mapIndex}` : `${region.kind} region`;
}

function describeNearest(address: number, nearest: Region | undefined): string {
  if (!nearest) return '';
  const where = address < nearest.start ? 'before' : 'past the end of';
  return ` (${where} the ${regionName(nearest)} [${formatAddress(nearest.start)}, ${formatAddress(nearest.end)}))`;
}
