// BlockReader: views across block boundaries, with and without the read-ahead, match the file's bytes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockReader } from '../../src/storage/file-reader.js';

const SIZE = 10_000;
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
const file = join(mkdtempSync(join(tmpdir(), 'sluice-reader-')), 'data.bin');
writeFileSync(file, bytes);

describe('BlockReader', () => {
  it('serves a sequential scan in chunks that do not divide the block size', async () => {
    const handle = await open(file);
    const reader = new BlockReader(handle, 256);
    for (let at = 0; at < SIZE; at += 100) {
      const length = Math.min(100, SIZE - at);
      // Chunks that straddle a block boundary refill from the chunk's own offset.
      expect(new Uint8Array(await reader.view(at, length))).toEqual(bytes.subarray(at, at + length));
    }
    await handle.close();
  });

  it('serves jumps backwards and forwards, discarding a read ahead it does not need', async () => {
    const handle = await open(file);
    const reader = new BlockReader(handle, 256);
    for (const at of [0, 256, 5000, 17, 9990, 512, 768, 1024]) {
      const length = Math.min(200, SIZE - at);
      expect(new Uint8Array(await reader.view(at, length))).toEqual(bytes.subarray(at, at + length));
    }
    await handle.close();
  });

  it('refuses a view past the end of the file with a clear error', async () => {
    const handle = await open(file);
    const reader = new BlockReader(handle, 256);
    await expect(reader.view(SIZE - 10, 20)).rejects.toThrow(/file ended at byte 10000/);
    await handle.close();
  });
});
