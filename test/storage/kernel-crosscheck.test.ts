// The hook's context is struct xdp_md: a program run at Sluice's hook leaves the same maps as in Linux's XDP test run.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { kernelAvailability, loadKernelProgram, testRun, XDP_TEST_RUN_BYTES } from '../../src/kernel/bpf.js';
import { Link } from '../../src/net/link.js';
import { StorageNode } from '../../src/storage/node.js';
import { runPushdown } from '../../src/storage/pushdown.js';
import { dataDirWith, FIXTURES, generatedCsv } from './filter-sum-helpers.js';

const availability = kernelAvailability();
if (!availability.ok) console.log(`skipping the kernel cross-check: ${availability.reason}`);

describe.skipIf(!availability.ok)('storage hook vs the Linux kernel', () => {
  it('leaves the same map contents after every chunk of a file', async () => {
    const spec = assemble(readFileSync(new URL('count-lines.s', FIXTURES), 'utf8'), { file: 'count-lines.s', name: 'count_lines', section: 'xdp' });
    const csv = Buffer.from(generatedCsv(700));
    const chunk = XDP_TEST_RUN_BYTES.maxLinear;
    expect(csv.length % chunk).toBeGreaterThanOrEqual(XDP_TEST_RUN_BYTES.min); // the kernel refuses shorter packets
    const dataDir = dataDirWith({ 'lines.csv': csv });

    const { maps } = await runPushdown({ node: new StorageNode({ dataDir, chunkBytes: chunk }), link: new Link(), file: 'lines.csv', spec });
    const sluice = maps[0]!.entries[0]![1];

    const program = loadKernelProgram(spec, { type: 'xdp' });
    try {
      for (let at = 0; at < csv.length; at += chunk) {
        expect(testRun(program.fd, csv.subarray(at, at + chunk)).retval).toBe(1);
      }
      const kernel = program.maps[0]!.lookup(new Uint8Array(4))!;
      expect(Buffer.from(sluice)).toEqual(Buffer.from(kernel));
    } finally {
      program.close();
    }
    const view = new DataView(sluice.buffer, sluice.byteOffset);
    expect(view.getBigUint64(0, true)).toBe(BigInt(csv.length));
    expect(view.getBigUint64(8, true)).toBe(BigInt(csv.toString().split('\n').length - 1));
  });
});
