// Report arithmetic (savings, totals), unit formatting, the aligned table and the JSON shape.
import { describe, expect, it } from 'vitest';
import type { DirectionCounts } from '../../src/net/link.js';
import { buildReport, linkTotal, ReportError, saving } from '../../src/report/data-movement.js';
import { reportJson } from '../../src/report/json.js';
import { formatReport } from '../../src/report/table.js';
import { formatBytes, formatPercent, formatRatio, formatSeconds } from '../../src/report/units.js';
import { formatCount } from '../../src/util/count.js';
import type { RunStats } from '../../src/storage/run-stats.js';

function counts(payloadBytes: number, wireBytes: number, packets: number, acks = 0): DirectionCounts {
  return { payloadBytes, wireBytes, packets, segments: packets - acks, acks, retransmittedPackets: 0, retransmittedBytes: 0, messages: 1 };
}

function run(mode: RunStats['mode'], over: Partial<RunStats>): RunStats {
  return {
    mode,
    file: 'data.csv',
    fileBytes: 1_000_000,
    chunkBytes: 4096,
    device: { bytesRead: 1_000_000, requests: 1, pageHits: 0, pageMisses: 245 },
    hook: { calls: 0, chunks: 245, bytes: 1_000_000, instructions: 0, cpuSeconds: 0, loadSeconds: 0, verifyCached: false },
    userSpace: { copiedBytes: 1_000_000, notCopiedBytes: 0 },
    link: { toStorage: counts(100, 190, 1), toCompute: counts(0, 90, 1, 1) },
    computeSeconds: 0,
    stages: { device: 0.001, hook: 0, link: 0, compute: 0 },
    pipeline: { bottleneck: 'device', streaming: 0.001, endToEnd: 0.002 },
    ...over,
  };
}

// Ship-all: 1,000,000 bytes = 691 segments (ceil(1e6 / 1448)), 1,000,000 + 691 * 90 wire bytes, 346 ACKs back.
const shipAll = run('ship-all', {
  link: { toStorage: counts(20, 110 + 346 * 90, 1 + 346, 346), toCompute: counts(1_000_000, 1_062_190, 691 + 1, 1) },
  pipeline: { bottleneck: 'device', streaming: 0.004, endToEnd: 0.005 },
});
const pushdown = run('pushdown', {
  hook: { calls: 246, chunks: 245, bytes: 1_000_000, instructions: 21_000_000, cpuSeconds: 0.2, loadSeconds: 0.03, verifyCached: false },
  userSpace: { copiedBytes: 0, notCopiedBytes: 1_000_000 },
  link: { toStorage: counts(700, 700 + 90, 1 + 1, 1), toCompute: counts(150, 240 + 90, 2, 1) },
  pipeline: { bottleneck: 'hook', streaming: 0.2, endToEnd: 0.25 },
});

describe('saving', () => {
  it('computes saved, fraction and ratio', () => {
    expect(saving(1000, 10)).toEqual({ shipAll: 1000, pushdown: 10, saved: 990, fraction: 0.99, ratio: 100 });
  });
  it('gives an infinite ratio when pushdown needed nothing, and 0 fraction when ship-all needed nothing', () => {
    expect(saving(5, 0).ratio).toBe(Infinity);
    expect(saving(0, 0)).toMatchObject({ fraction: 0, ratio: 1 });
  });
  it('shows a loss as a negative saving', () => {
    expect(saving(0.005, 0.25)).toMatchObject({ fraction: -49, ratio: 0.02 });
  });
});

describe('buildReport', () => {
  const report = buildReport(pushdown, shipAll);
  it('adds link counts over both directions', () => {
    expect(linkTotal(shipAll, 'wireBytes')).toBe(110 + 346 * 90 + 1_062_190);
    expect(report.saved.linkPayloadBytes).toMatchObject({ shipAll: 1_000_020, pushdown: 850, saved: 999_170 });
    expect(report.saved.linkPackets).toMatchObject({ shipAll: 347 + 692, pushdown: 4, saved: 1035 });
    expect(report.saved.linkWireBytes.ratio).toBeCloseTo((110 + 346 * 90 + 1_062_190) / (790 + 330), 9);
  });
  it('compares user copies and end-to-end times', () => {
    expect(report.saved.userCopyBytes).toMatchObject({ saved: 1_000_000, fraction: 1, ratio: Infinity });
    expect(report.saved.endToEndSeconds.ratio).toBeCloseTo(0.02, 12);
  });
  it('refuses runs of different files', () => {
    expect(() => buildReport(pushdown, { ...shipAll, file: 'other.csv' })).toThrow(ReportError);
  });
});

describe('units', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(4096)).toBe('4.00 KiB');
    expect(formatBytes(770_000_000)).toBe('734 MiB');
    expect(formatBytes(1.2 * 2 ** 30)).toBe('1.20 GiB');
  });
  it('formats durations', () => {
    expect(formatSeconds(950e-9)).toBe('950 ns');
    expect(formatSeconds(80e-6)).toBe('80.0 µs');
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(1.234)).toBe('1.23 s');
    expect(formatSeconds(0)).toBe('0 s');
  });
  it('formats counts, ratios and percentages', () => {
    expect(formatCount(1411484)).toBe('1,411,484');
    expect(formatRatio(2.5)).toBe('2.50×');
    expect(formatRatio(948_000.4)).toBe('948,000×');
    expect(formatRatio(Infinity)).toBe('∞×');
    expect(formatPercent(0.5)).toBe('50.00%');
    expect(formatPercent(0.999999)).toBe('99.9999%');
    expect(formatPercent(1)).toBe('100.00%');
  });
});

describe('formatReport', () => {
  const text = formatReport(buildReport(pushdown, shipAll));
  const lines = text.split('\n');
  it('puts pushdown and ship-all side by side, right-aligned', () => {
    const wire = lines.find((l) => l.startsWith('  to compute: on the wire'))!;
    expect(wire).toMatch(/330 B\s+1\.01 MiB$/);
    const header = lines[1]!;
    const copied = lines.find((l) => l.startsWith('  copied to user space'))!;
    expect(copied.length).toBe(header.length);
    expect(copied.indexOf('0 B') + 3).toBe(header.indexOf('pushdown') + 'pushdown'.length);
  });
  it('shows the measured verify + load time and the pipelined streaming time apart from end to end', () => {
    expect(text).toMatch(/\n {2}verify \+ load \(measured\) +30\.0 ms +0 s\n/);
    expect(text).toMatch(/\n {2}streaming \(pipelined\) +200 ms +4\.00 ms\n {2}end to end +250 ms +5\.00 ms\n/);
  });

  it('says what pushdown saved in bytes, percent and times', () => {
    const payload = lines.find((l) => l.startsWith('  link bytes (payload'))!;
    expect(payload).toContain('976 KiB'); // 999,170 bytes
    expect(payload).toContain(`${formatPercent(999_170 / 1_000_020)}  ${formatRatio(1_000_020 / 850)}`);
  });
});

describe('reportJson', () => {
  it('keeps plain numbers and writes infinite ratios as null', () => {
    const json = JSON.parse(JSON.stringify(reportJson(buildReport(pushdown, shipAll))));
    expect(json.pushdown.link.toCompute.payloadBytes).toBe(150);
    expect(json.shipAll.fileBytes).toBe(1_000_000);
    expect(json.saved.userCopyBytes.ratio).toBeNull();
    expect(json.saved.linkPayloadBytes.saved).toBe(999_170);
  });
});
