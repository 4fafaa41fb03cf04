// Reads a real file's bytes in large blocks with two reused buffers, reading the next block while this one is used.
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from './errors.js';

/** DEFAULT_BLOCK_BYTES is how much the reader asks the operating system for at a time (4 MiB). */
export const DEFAULT_BLOCK_BYTES = 4 << 20;

/**
 * BlockReader serves views of a file's bytes from one buffer of `blockBytes`. A request inside the
 * current block is a view; any other refills the block starting at the requested offset. After a
 * full block is filled, the next one is read ahead into a second buffer, so a sequential scan
 * overlaps the operating system's reads with the work done on the current block. Memory stays at
 * two blocks whatever the file's size. Views are valid until the next call.
 */
export class BlockReader {
  private block: Buffer;
  private spare: Buffer;
  private start = 0;
  private length = 0;
  /** The read ahead into `spare`, if one is in flight or done but not yet used. */
  private ahead?: { readonly start: number; readonly bytes: Promise<number> };

  constructor(
    private readonly handle: FileHandle,
    readonly blockBytes: number = DEFAULT_BLOCK_BYTES,
  ) {
    this.block = Buffer.allocUnsafe(blockBytes);
    this.spare = Buffer.allocUnsafe(blockBytes);
  }

  /** view returns bytes [offset, offset + length) of the file; `length` must not exceed blockBytes. */
  async view(offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.start || offset + length > this.start + this.length) {
      await this.fill(offset);
      if (this.length < length) {
        throw new StorageError(`file ended at byte ${offset + this.length} while reading up to ${offset + length}: did it shrink?`);
      }
      if (this.length === this.blockBytes) this.readAhead(offset + this.length);
    }
    const at = offset - this.start;
    return this.block.subarray(at, at + length);
  }

  /** fill makes the current block start at `offset`, from the read ahead when it is for that offset. */
  private async fill(offset: number): Promise<void> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) {
      // Wait for it either way: `spare` must not be written while it is used again.
      const bytes = await ahead.bytes;
      if (ahead.start === offset) {
        [this.block, this.spare] = [this.spare, this.block];
        this.start = offset;
        this.length = bytes;
        return;
      }
    }
    this.start = offset;
    this.length = await readBlock(this.handle, this.block, offset);
  }

  private readAhead(offset: number): void {
    const bytes = readBlock(this.handle, this.spare, offset);
    bytes.catch(() => undefined); // a failure is reported when (if) the block is used
    this.ahead = { start: offset, bytes };
  }
}

/** readBlock fills `buffer` from `offset` until it is full or the file ends, and returns the bytes read. */
async function readBlock(handle: FileHandle, buffer: Buffer, offset: number): Promise<number> {
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, offset + length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return length;
}
