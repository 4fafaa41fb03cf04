// The bpf(2) system call: command numbers, bpf_attr building, and the call that turns -1 into a KernelError.
import { KernelError, KernelUnavailableError } from './errors.js';
import { libc, type Libc } from './libc.js';

/** Cmd holds the bpf() commands Sluice issues (enum bpf_cmd). */
export const Cmd = {
  MAP_CREATE: 0,
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  MAP_GET_NEXT_KEY: 4,
  PROG_LOAD: 5,
  PROG_TEST_RUN: 10,
  BTF_LOAD: 18,
  MAP_FREEZE: 22,
  MAP_LOOKUP_BATCH: 24,
  MAP_UPDATE_BATCH: 26,
} as const;

/** ATTR_BYTES is sizeof(union bpf_attr) in Linux 6.x; the kernel accepts it from older and newer headers alike. */
export const ATTR_BYTES = 144;

/** BPF_SYSCALL is the bpf() system call number per architecture Node runs on. */
const BPF_SYSCALL: Partial<Record<string, number>> = { x64: 321, arm64: 280 };

/** syscallNumber returns bpf()'s number on this machine, or undefined where Sluice does not know it. */
export function syscallNumber(): number | undefined {
  return process.platform === 'linux' ? BPF_SYSCALL[process.arch] : undefined;
}

/** SyscallFailure is a failed bpf() call before it becomes a KernelError: the raw errno and its name. */
export interface SyscallFailure {
  readonly errno: number;
  readonly code: string;
}

/** bpfRaw issues bpf(cmd, attr) and returns its result (>= 0) or the failure; it never throws for errno. */
export function bpfRaw(cmd: number, attr: Attr): number | SyscallFailure {
  const c = nativeLibc();
  const number = syscallNumber();
  if (number === undefined) throw new KernelUnavailableError(`the bpf() system call is not available on ${process.platform}/${process.arch}`);
  const result = c.syscall(number, cmd, attr.bytes, attr.bytes.length);
  if (result >= 0) return result;
  const errno = c.errno();
  return { errno, code: c.errnoName(errno) };
}

/** bpf issues bpf(cmd, attr); throws KernelError naming `operation` when the kernel says no. */
export function bpf(cmd: number, attr: Attr, operation: string): number {
  const result = bpfRaw(cmd, attr);
  if (typeof result === 'number') return result;
  throw new KernelError(operation, result.errno, result.code);
}

/** nativeLibc returns the bound libc or throws KernelUnavailableError saying why there is none. */
export function nativeLibc(): Libc {
  const c = libc();
  if (c instanceof Error) throw new KernelUnavailableError(`cannot call into libc through koffi: ${c.message}`, { cause: c });
  return c;
}

/** Attr is a zeroed bpf_attr with little-endian field setters and getters (offsets from linux/bpf.h). */
export class Attr {
  readonly bytes = new Uint8Array(ATTR_BYTES);
  private readonly view = new DataView(this.bytes.buffer);

  u32(offset: number, value: number): this {
    this.view.setUint32(offset, value >>> 0, true);
    return this;
  }

  u64(offset: number, value: bigint): this {
    this.view.setBigUint64(offset, value, true);
    return this;
  }

  /** name writes a kernel object name: at most 15 characters of [A-Za-z0-9_.], NUL-terminated. */
  name(offset: number, text: string): this {
    const clean = text.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 15);
    for (let i = 0; i < clean.length; i++) this.bytes[offset + i] = clean.charCodeAt(i);
    return this;
  }

  get32(offset: number): number {
    return this.view.getUint32(offset, true);
  }
}
