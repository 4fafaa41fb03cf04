// The kernel engine: chunks shorter than an XDP test run's 14-byte minimum, the empty flush call and maps read back, against the JIT.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { writeSensors } from '../../src/datasets/sensors.js';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { executeQuery } from '../../src/engine/execute.js';
import { kernelAvailability, loadKernelProgram, testRunChunk } from '../../src/kernel/bpf.js';
import { StorageNode } from '../../src/storage/node.js';
import { projectRoot } from '../../src/util/paths.js';

const kernel = kernelAvailability();
if (!kernel.ok) console.log(`skipping the kernel engine tests: ${kernel.reason}`);
const dir = mkdtempSync(join(tmpdir(), 'sluice-kernel-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!kernel.ok)('kernel engine', () => {
  it('shows a program exactly the chunk, for every length from 0 to past the 14-byte minimum', () => {
    // r0 = data_end - data + 100 * (first byte, when there is one)
    const spec = assemble(
      'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr0 = r3\nr0 -= r2\nr4 = r2\nr4 += 1\nif r4 > r3 goto out\nr5 = *(u8 *)(r2 + 0)\nr5 *= 100\nr0 += r5\nout:\nexit\n',
      { file: 'length.s', section: 'xdp' },
    );
    const program = loadKernelProgram(spec, { type: 'xdp' });
    try {
      for (const length of [0, 1, 2, 5, 13, 14, 15, 100]) expect(testRunChunk(program.fd, new Uint8Array(length).fill(3))).toBe(length + (length > 0 ? 300 : 0));
    } finally {
      program.close();
    }
  });

  it('answers a query over 5-byte chunks and a file without a final line break as the JIT does', async () => {
    writeSensors(join(dir, 'sensors.csv'), join(dir, 'sensors.schema'), 300, 7);
    const text = readFileSync(join(dir, 'sensors.csv'), 'latin1');
    writeFileSync(join(dir, 'sensors.csv'), text.slice(0, text.length - 1)); // the last row ends at the end of the file
    const sql = readFileSync(join(projectRoot(), 'queries', 'sensors-by-site.sql'), 'utf8');
    const base = { sql, queryFile: 'sensors-by-site.sql', catalog: directoryCatalog(dir), chunkBytes: 5, link: {}, onError: 'stop' as const, compare: false };
    const jit = await executeQuery({ ...base, engine: 'jit' });
    const inKernel = await executeQuery({ ...base, engine: 'kernel' });
    expect(inKernel.result).toEqual(jit.result);
    expect(inKernel.pushdown.hook.chunks).toBe(Math.ceil((text.length - 1) / 5));
  });

  it('refuses chunks an XDP test run cannot hold whole, naming the limit', () => {
    const node = new StorageNode({ dataDir: dir, chunkBytes: 4096 });
    const pid = node.spawn();
    const buffer = node.memory(pid).allocate(4096);
    const spec = assemble('r0 = 1\nexit\n', { file: 'drop.s', section: 'xdp' });
    expect(() => node.attach({ pid, address: buffer }, spec, { tenant: 't', engine: 'kernel' })).toThrow(/at most 3520 bytes/);
  });
});
