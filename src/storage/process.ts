// A server process on the storage node: its own simulated user address space of buffers, addressed by (pid, address).
import { StorageError } from './errors.js';

/** Destination is where copyOut writes: an address in one process's address space. */
export interface Destination {
  readonly pid: number;
  readonly address: number;
}

/** USER_BASE is the first address handed out in every process (like a heap's start). */
export const USER_BASE = 0x40_0000;

/** UserBuffer is one allocated buffer: its start address and its bytes. */
export interface UserBuffer {
  readonly start: number;
  readonly bytes: Uint8Array;
}

/** UserBufferSlice is a place inside one buffer: the buffer's start address and an offset into it. */
export interface UserBufferSlice {
  readonly bufferStart: number;
  readonly bytes: Uint8Array;
  readonly offset: number;
}

/**
 * UserMemory is one process's address space: buffers allocated upward from USER_BASE, each
 * followed by a gap of one page so that neighbouring buffers never touch.
 */
export class UserMemory {
  private readonly buffers: UserBuffer[] = [];
  private top = USER_BASE;

  constructor(readonly pid: number) {}

  /** allocate reserves `size` zeroed bytes and returns their address. */
  allocate(size: number): number {
    if (!Number.isSafeInteger(size) || size <= 0) throw new StorageError(`pid ${this.pid}: cannot allocate ${size} bytes`);
    const start = this.top;
    this.buffers.push({ start, bytes: new Uint8Array(size) });
    this.top = start + size + 4096;
    return start;
  }

  /** slice finds the buffer holding [address, address + length); throws StorageError (like EFAULT) when none does. */
  slice(address: number, length: number): UserBufferSlice {
    const buffer = this.bufferAt(address, length);
    return { bufferStart: buffer.start, bytes: buffer.bytes, offset: address - buffer.start };
  }

  /** bufferAt returns the buffer holding [address, address + length) (its own record: nothing is allocated); throws like slice. */
  bufferAt(address: number, length: number): UserBuffer {
    for (const buffer of this.buffers) {
      if (address >= buffer.start && address + length <= buffer.start + buffer.bytes.length) return buffer;
    }
    throw new StorageError(
      `pid ${this.pid}: [0x${address.toString(16)}, 0x${(address + length).toString(16)}) is not inside one buffer (EFAULT)`,
    );
  }

  /** read returns a copy of `length` bytes at `address`. */
  read(address: number, length: number): Uint8Array {
    const { bytes, offset } = this.slice(address, length);
    return bytes.slice(offset, offset + length);
  }
}
