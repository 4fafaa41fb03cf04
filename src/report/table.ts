// The data-movement report as an aligned text table: pushdown and ship-all side by side, then the savings.
import type { DirectionCounts } from '../net/link.js';
import type { RunStats } from '../storage/run-stats.js';
import type { DataMovementReport, Saving } from './data-movement.js';
import { verifyAndLoad } from './run-summary.js';
import { formatBytes, formatPercent, formatRatio, formatSeconds } from './units.js';
import { formatCount } from '../util/count.js';

type Row = readonly [label: string, pushdown: string, shipAll: string];

/** formatReport renders the report for people: one line per quantity, units chosen per value. */
export function formatReport(report: DataMovementReport): string {
  const { pushdown: p, shipAll: s } = report;
  const both = (label: string, value: (run: RunStats) => string): Row => [label, value(p), value(s)];
  const rows: (Row | string)[] = [
    `${p.file}: ${formatBytes(p.fileBytes)} (${formatCount(p.fileBytes)} bytes)${p.rows === undefined ? '' : `, ${formatCount(p.rows)} rows`}, chunks of ${formatBytes(p.chunkBytes)}`,
    ['', 'pushdown', 'ship-all'],
    'storage node',
    both('  read from devices', (r) => formatBytes(r.device.bytesRead)),
    both('  device requests', (r) => formatCount(r.device.requests)),
    both('  page cache hits / misses', (r) => `${formatCount(r.device.pageHits)} / ${formatCount(r.device.pageMisses)}`),
    both('  chunks at the hook', (r) => formatCount(r.hook.chunks)),
    both('  bytes at the hook', (r) => formatBytes(r.hook.bytes)),
    both('  copied to user space', (r) => formatBytes(r.userSpace.copiedBytes)),
    both('  not copied (consumed)', (r) => formatBytes(r.userSpace.notCopiedBytes)),
    ...(p.returned ? [both('  rows returned (bytes)', (r) => (r.returned ? `${formatCount(r.returned.rows)} (${formatBytes(r.returned.bytes)})` : '-'))] : []),
    both('  eBPF instructions', (r) => formatCount(r.hook.instructions)),
    both('  verify + load (measured)', verifyAndLoad),
    both('  program CPU time (measured)', (r) => formatSeconds(r.hook.cpuSeconds)),
    'link',
    ...direction('to storage', p.link.toStorage, s.link.toStorage),
    ...direction('to compute', p.link.toCompute, s.link.toCompute),
    'compute node',
    both('  parse/compute (measured)', (r) => formatSeconds(r.computeSeconds)),
    'modelled time',
    both('  device', (r) => formatSeconds(r.stages.device)),
    both('  hook compute', (r) => formatSeconds(r.stages.hook)),
    both('  link', (r) => formatSeconds(r.stages.link)),
    both('  compute node', (r) => formatSeconds(r.stages.compute)),
    both('  streaming (pipelined)', (r) => formatSeconds(r.pipeline.streaming)),
    both('  end to end', (r) => formatSeconds(r.pipeline.endToEnd)),
    both('  bottleneck', (r) => r.pipeline.bottleneck),
  ];
  const saved = report.saved;
  const savings: [string, Saving, (n: number) => string][] = [
    ['link bytes (wire, both ways)', saved.linkWireBytes, formatBytes],
    ['link bytes (payload, both ways)', saved.linkPayloadBytes, formatBytes],
    ['link packets (both ways)', saved.linkPackets, formatCount],
    ['bytes copied to user space', saved.userCopyBytes, formatBytes],
    ['end-to-end time (modelled)', saved.endToEndSeconds, formatSeconds],
  ];
  return `${alignRows(rows)}\nsaved by pushdown (amount, % of ship-all, ship-all ÷ pushdown)\n${alignRows(savings.map(([label, v, unit]) => savingRow(label, v, unit)))}\n`;
}

function direction(name: string, p: DirectionCounts, s: DirectionCounts): Row[] {
  const rows: Row[] = [
    [`  ${name}: payload`, formatBytes(p.payloadBytes), formatBytes(s.payloadBytes)],
    [`  ${name}: on the wire`, formatBytes(p.wireBytes), formatBytes(s.wireBytes)],
    [`  ${name}: packets (ACKs)`, `${formatCount(p.packets)} (${formatCount(p.acks)})`, `${formatCount(s.packets)} (${formatCount(s.acks)})`],
  ];
  if (p.retransmittedPackets + s.retransmittedPackets > 0) {
    rows.push([`  ${name}: retransmitted`, retransmitted(p), retransmitted(s)]);
  }
  return rows;
}

function retransmitted(counts: DirectionCounts): string {
  return `${formatCount(counts.retransmittedPackets)} (${formatBytes(counts.retransmittedBytes)})`;
}

function savingRow(label: string, v: Saving, unit: (n: number) => string): Row {
  return [`  ${label}`, unit(v.saved), `${formatPercent(v.fraction)}  ${formatRatio(v.ratio)}`];
}

/** alignRows pads labels to one column and right-aligns the value columns; plain strings are headings. */
function alignRows(rows: readonly (Row | string)[]): string {
  const table = rows.filter((r): r is Row => typeof r !== 'string');
  const width = [0, 1, 2].map((i) => Math.max(...table.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      typeof r === 'string'
        ? r
        : `${r[0].padEnd(width[0]!)}  ${r[1].padStart(width[1]!)}  ${r[2].padStart(width[2]!)}`.trimEnd(),
    )
    .join('\n');
}

