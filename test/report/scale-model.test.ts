// The scale model: each path is as slow as its slowest resource, and the crossover and bend points follow from the rates.
import { describe, expect, test } from 'vitest';
import { crossoverNodes, DEFAULT_CLUSTER, linkBend, project } from '../../src/report/scale-model.js';

const rates = { hookPerCore: 400e6, computePerCore: { 'csv-parse': 15e6, program: 400e6 } };

describe('scale model', () => {
  test('defaults: pushdown is bound by the devices or cores of each node, ship-all by the compute node', () => {
    const [pushdown, csv, program] = project(DEFAULT_CLUSTER, rates);
    // Each node reads 10 TB / 16 = 625 GB from 64 x 2 GB/s = 4.88 s; its 64 cores scan 25.6 GB/s = 24.4 s.
    expect(pushdown).toMatchObject({ path: 'pushdown', bound: 'storage CPU' });
    expect(pushdown?.seconds).toBeCloseTo(625e9 / (64 * 400e6), 6);
    expect(pushdown?.limits.devices).toBeCloseTo(625e9 / 128e9, 6);
    // csv-parse: 64 cores x 15 MB/s = 0.96 GB/s < the 16 GB/s NIC.
    expect(csv).toMatchObject({ bound: 'compute CPU' });
    expect(csv?.seconds).toBeCloseTo(10e12 / (64 * 15e6), 3);
    // The program on 64 cores parses 25.6 GB/s: the compute NIC (16 GB/s) binds.
    expect(program).toMatchObject({ bound: 'compute NIC', seconds: 10e12 / 16e9 });
  });

  test('crossover and bend points', () => {
    // Pushdown scales with nodes; ship-all (program) stays at 625 s, NIC-bound: pushdown wins from 1 node (39 s x 16).
    expect(crossoverNodes(DEFAULT_CLUSTER, rates, 'ship-all (program)')).toBe(1);
    const slow = { hookPerCore: 1e6, computePerCore: { program: 1e9 } };
    // Pushdown at 64 MB/s per node takes 10 TB / N / 64 MB/s = 156,250 / N s; ship-all is the compute NIC's 625 s: N > 250.
    expect(crossoverNodes(DEFAULT_CLUSTER, slow, 'ship-all (program)')).toBe(251);
    // csv-parse stops being NIC-bound once the NIC carries more than its 0.96 GB/s.
    expect(linkBend(DEFAULT_CLUSTER, rates, 'ship-all (csv-parse)')).toBeCloseTo(64 * 15e6, 0);
  });
});
