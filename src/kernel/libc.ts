// The few native calls the kernel interface needs (syscall, close, errno, stable memory), bound once through koffi.
import { createRequire } from 'node:module';

/** NativeMemory is memory that does not move, so its address can be handed to the kernel inside a bpf_attr. */
export interface NativeMemory {
  readonly address: bigint;
  readonly bytes: Uint8Array;
  free(): void;
}

/** Libc is the bound native surface. `syscall` returns -1 on failure; `errno()` then says why. */
export interface Libc {
  syscall(number: number, cmd: number, attr: Uint8Array, size: number): number;
  close(fd: number): number;
  errno(): number;
  /** errnoName maps an errno value to its name ("EPERM"), or "errno <n>". */
  errnoName(errno: number): string;
  alloc(size: number): NativeMemory;
}

interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
  alloc(type: string, length: number): unknown;
  free(pointer: unknown): void;
  view(pointer: unknown, length: number): ArrayBuffer;
  address(pointer: unknown): bigint;
  errno(): number;
  os: { errno: Record<string, number> };
}

let bound: Libc | Error | undefined;

/** libc binds libc.so.6 through koffi on first use; returns an Error (not thrown) when that is impossible. */
export function libc(): Libc | Error {
  if (bound) return bound;
  try {
    bound = bind(createRequire(import.meta.url)('koffi') as Koffi);
  } catch (err) {
    bound = err instanceof Error ? err : new Error(String(err));
  }
  return bound;
}

function bind(koffi: Koffi): Libc {
  const lib = koffi.load('libc.so.6');
  // syscall(2) is variadic; declaring the three arguments bpf() takes keeps each call cheap. On
  // x86-64 and arm64 integer and pointer arguments travel in the same registers either way.
  const syscall = lib.func('long syscall(long number, int cmd, void *attr, unsigned int size)') as (
    n: number,
    cmd: number,
    attr: Uint8Array,
    size: number,
  ) => number | bigint;
  const close = lib.func('int close(int fd)') as (fd: number) => number;
  const names = new Map(Object.entries(koffi.os.errno).map(([name, value]) => [value, name]));
  return {
    syscall: (n, cmd, attr, size) => Number(syscall(n, cmd, attr, size)),
    close,
    errno: () => koffi.errno(),
    errnoName: (errno) => names.get(errno) ?? `errno ${errno}`,
    alloc(size) {
      const pointer = koffi.alloc('uint8_t', Math.max(size, 1));
      let live = true;
      return {
        address: koffi.address(pointer),
        bytes: new Uint8Array(koffi.view(pointer, Math.max(size, 1)), 0, size),
        free() {
          if (live) koffi.free(pointer);
          live = false;
        },
      };
    },
  };
}
