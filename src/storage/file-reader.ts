// Reads a real file's bytes in large blocks with two reused buffers, reading the next block while this one is used.
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from './errors.js';

/** DEFAULT_BLOCK_BYTES is how much the reader asks the operating system for at a time (4 MiB). */
export const DEFAULT_BLOCK_BYTES = 4 << 20;

/**
 * BlockBuffers returns the reader's buffer 0 or 1, each of the reader's blockBytes. It is asked afresh
 * for every read into it, so the buffers may be views of a WebAssembly memory (a tenant's address space,
 * where the program reads the chunks without a copy) that are renewed when that memory grows.
 */
export type BlockBuffers = (index: 0 | 1) => Uint8Array;

/** BlockPlace is where a requested range lies: in `block` (a buffer of the reader), from `start`. */
export interface BlockPlace {
  block: Uint8Array;
  start: number;
}

/**
 * BlockReader serves a file's bytes from one buffer of `blockBytes`. A request inside the current
 * block is served in place; any other refills the block starting at the requested offset. After a
 * full block is filled, the next one is read ahead into the second buffer, so a sequential scan
 * overlaps the operating system's reads with the work done on the current block. Memory stays at
 * two blocks whatever the file's size. What it returns is valid until the next call.
 */
export class BlockReader {
  private current: 0 | 1 = 0;
  private start = 0;
  private length = 0;
  /** The read ahead into the other buffer, if one is in flight or done but not yet used. */
  private ahead?: { readonly start: number; readonly bytes: Promise<number> };
  /** One reused answer of placeNow: the hot path allocates nothing per chunk. */
  private readonly place: BlockPlace = { block: new Uint8Array(0), start: 0 };

  constructor(
    private readonly handle: FileHandle,
    readonly blockBytes: number = DEFAULT_BLOCK_BYTES,
    private readonly buffers: BlockBuffers = ownBuffers(blockBytes),
  ) {}

  /** placeNow returns where bytes [offset, offset + length) lie when the current block holds them, else undefined. */
  placeNow(offset: number, length: number): BlockPlace | undefined {
    if (offset < this.start || offset + length > this.start + this.length) return undefined;
    this.place.start = offset - this.start;
    return this.place;
  }

  /** placeOf returns where bytes [offset, offset + length) lie, reading them first if needed; `length` must not exceed blockBytes. */
  async placeOf(offset: number, length: number): Promise<BlockPlace> {
    const now = this.placeNow(offset, length);
    if (now) return now;
    await this.fill(offset);
    if (this.length < length) {
      throw new StorageError(`file ended at byte ${offset + this.length} while reading up to ${offset + length}: did it shrink?`);
    }
    if (this.length === this.blockBytes) this.readAhead(offset + this.length);
    return this.placeNow(offset, length)!;
  }

  /** view returns bytes [offset, offset + length) of the file as a view; `length` must not exceed blockBytes. */
  async view(offset: number, length: number): Promise<Uint8Array> {
    const { block, start } = await this.placeOf(offset, length);
    return block.subarray(start, start + length);
  }

  /** settle waits for a read ahead in flight, after which the buffers may be reused by someone else. */
  async settle(): Promise<void> {
    await this.ahead?.bytes.catch(() => undefined);
    this.ahead = undefined;
    this.length = 0;
  }

  /** fill makes the current block start at `offset`, from the read ahead when it is for that offset. */
  private async fill(offset: number): Promise<void> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) {
      // Wait for it either way: the other buffer must not be written while it is used again.
      const bytes = await ahead.bytes;
      if (ahead.start === offset) {
        this.current = this.current === 0 ? 1 : 0;
        this.place.block = this.buffers(this.current);
        this.start = offset;
        this.length = bytes;
        return;
      }
    }
    this.start = offset;
    this.length = 0;
    this.place.block = this.buffers(this.current);
    this.length = await readBlock(this.handle, this.place.block, offset);
  }

  private readAhead(offset: number): void {
    const bytes = readBlock(this.handle, this.buffers(this.current === 0 ? 1 : 0), offset);
    bytes.catch(() => undefined); // a failure is reported when (if) the block is used
    this.ahead = { start: offset, bytes };
  }
}

/** ownBuffers allocates two blocks of the reader's own (outside any tenant's memory). */
function ownBuffers(blockBytes: number): BlockBuffers {
  const pair = [Buffer.allocUnsafe(blockBytes), Buffer.allocUnsafe(blockBytes)] as const;
  return (index) => pair[index];
}

/** readBlock fills `buffer` from `offset` until it is full or the file ends, and returns the bytes read. */
async function readBlock(handle: FileHandle, buffer: Uint8Array, offset: number): Promise<number> {
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, offset + length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return length;
}
