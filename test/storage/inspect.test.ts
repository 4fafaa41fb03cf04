// Inspect mode (sluice run): any return value is counted instead of aborting, trace lines and maps are kept.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { inspectRun } from '../../src/storage/inspect.js';

const PROGRAM = `
.map calls array key=4 value=8 entries=1
  *(u32 *)(r10 - 4) = 0
  r2 = r10
  r2 += -4
  r1 = map[calls] ll
  call 1
  if r0 == 0 goto out
  r1 = 1
  lock *(u64 *)(r0 + 0) += r1
out:
  *(u16 *)(r10 - 8) = 0x78
  r1 = r10
  r1 += -8
  r2 = 2
  call 6
  r0 = 7
  exit
`;

describe('inspectRun', () => {
  it('counts every return value, keeps trace lines per chunk and returns the maps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-inspect-'));
    const file = join(dir, 'data.txt');
    writeFileSync(file, 'x'.repeat(10));
    for (const engine of ['interpreter', 'jit'] as const) {
      const result = await inspectRun({ spec: assemble(PROGRAM, { section: 'xdp' }), file, chunkBytes: 4, engine });
      // 10 bytes in chunks of 4: 3 chunks, then the empty end-of-file call.
      expect(result.counts.calls).toBe(4);
      expect([...result.returns]).toEqual([[7n, 4]]);
      expect(result.trace).toEqual(['chunk 0: x', 'chunk 1: x', 'chunk 2: x', 'chunk 3: x']);
      const calls = result.maps.find((m) => m.name === 'calls')!;
      expect(Buffer.from(calls.entries[0]![1]).readBigUInt64LE(0)).toBe(4n);
      expect(result.counts.passedBytes).toBe(10);
    }
  });
});
