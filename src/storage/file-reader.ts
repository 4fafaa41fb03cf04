// Reads a real file's bytes in large blocks with one reused buffer, so memory stays bounded for any file size.
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from './errors.js';

/** DEFAULT_BLOCK_BYTES is how much the reader asks the operating system for at a time (1 MiB). */
export const DEFAULT_BLOCK_BYTES = 1 << 20;

/**
 * BlockReader serves views of a file's bytes from one buffer of `blockBytes`. A request inside the
 * current block is a view; any other refills the block starting at the requested offset. Views are
 * valid until the next call.
 */
export class BlockReader {
  private readonly block: Buffer;
  private start = 0;
  private length = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly blockBytes: number = DEFAULT_BLOCK_BYTES,
  ) {
    this.block = Buffer.allocUnsafe(blockBytes);
  }

  /** view returns bytes [offset, offset + length) of the file; `length` must not exceed blockBytes. */
  async view(offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.start || offset + length > this.start + this.length) {
      this.start = offset;
      this.length = 0;
      while (this.length < this.blockBytes) {
        const { bytesRead } = await this.handle.read(this.block, this.length, this.blockBytes - this.length, offset + this.length);
        if (bytesRead === 0) break;
        this.length += bytesRead;
      }
      if (this.length < length) {
        throw new StorageError(`file ended at byte ${offset + this.length} while reading up to ${offset + length}: did it shrink?`);
      }
    }
    const at = offset - this.start;
    return this.block.subarray(at, at + length);
  }
}
