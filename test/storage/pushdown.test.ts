// Pushdown of the hand-written filter-sum program equals ship-all's csv-parse answer at every chunk size.
import { describe, expect, it } from 'vitest';
import { Link } from '../../src/net/link.js';
import { StorageNode } from '../../src/storage/node.js';
import { runPushdown } from '../../src/storage/pushdown.js';
import { runShipAll } from '../../src/storage/shipall.js';
import { dataDirWith, decodeFilterSum, filterSumConsumer, filterSumProgram, generatedCsv, peopleVariants } from './filter-sum-helpers.js';

const CHUNK_SIZES = [1, 2, 3, 7, 64, 100, 4096, 65536];

describe('filter-sum pushdown', () => {
  const spec = filterSumProgram();
  const files = { ...peopleVariants(), 'generated.csv': generatedCsv(300) };
  const dataDir = dataDirWith(files);

  it('computes the hand-computed answer of people.csv', async () => {
    const node = new StorageNode({ dataDir });
    const { maps } = await runPushdown({ node, link: new Link(), file: 'people.csv', spec });
    expect(decodeFilterSum(maps)).toEqual({ sum: 387n, count: 4n });
  });

  it('reads whole 64 KiB chunks of a larger file', async () => {
    const big = generatedCsv(5000);
    const bigDir = dataDirWith({ 'big.csv': big });
    expect(big.length).toBeGreaterThan(2 * 65536);
    const baseline = await runShipAll({ node: new StorageNode({ dataDir: bigDir }), link: new Link(), file: 'big.csv', consumer: filterSumConsumer() });
    for (const chunkBytes of [65535, 65536]) {
      const { maps, stats } = await runPushdown({ node: new StorageNode({ dataDir: bigDir, chunkBytes }), link: new Link(), file: 'big.csv', spec });
      expect({ chunkBytes, ...decodeFilterSum(maps) }).toEqual({ chunkBytes, ...baseline.result });
      expect(stats.hook.chunks).toBe(Math.ceil(big.length / chunkBytes));
    }
  });

  for (const file of Object.keys(files)) {
    it(`gives ship-all's answer for ${file} at every chunk size`, async () => {
      const baseline = await runShipAll({ node: new StorageNode({ dataDir }), link: new Link(), file, consumer: filterSumConsumer() });
      expect(baseline.result.count).toBeGreaterThan(0n);
      for (const chunkBytes of CHUNK_SIZES) {
        const node = new StorageNode({ dataDir, chunkBytes });
        const { maps, stats } = await runPushdown({ node, link: new Link(), file, spec });
        expect({ chunkBytes, ...decodeFilterSum(maps) }).toEqual({ chunkBytes, ...baseline.result });
        expect(stats.hook.chunks).toBe(Math.ceil(Buffer.byteLength(files[file as keyof typeof files]) / chunkBytes));
        expect(stats.hook.calls).toBe(stats.hook.chunks + 1);
      }
    });
  }
});
