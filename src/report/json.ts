// The data-movement report as JSON: plain numbers (bytes, seconds, counts) under documented field names.
import type { DataMovementReport, Saving } from './data-movement.js';

/**
 * reportJson returns the report as a JSON-ready object:
 *
 * - `pushdown`, `shipAll`: RunStats (src/storage/run-stats.ts) as they are: bytes in bytes,
 *   times in seconds, counts as integers; `link.toStorage` / `link.toCompute` are the link's
 *   DirectionCounts (payloadBytes, wireBytes, packets, segments, acks, retransmittedPackets,
 *   retransmittedBytes, messages); `stages` the pipeline stage seconds; `pipeline` its
 *   bottleneck, streaming and endToEnd seconds.
 * - `saved`: per quantity (linkWireBytes, linkPayloadBytes, linkPackets, userCopyBytes,
 *   endToEndSeconds) `{ shipAll, pushdown, saved, fraction, ratio }`; a ratio that is infinite
 *   (pushdown needed none) is written as null.
 */
export function reportJson(report: DataMovementReport): object {
  const saved = Object.fromEntries(
    Object.entries(report.saved).map(([name, v]: [string, Saving]) => [
      name,
      { ...v, ratio: Number.isFinite(v.ratio) ? v.ratio : null },
    ]),
  );
  return { pushdown: report.pushdown, shipAll: report.shipAll, saved };
}

/** formatReportJson is reportJson as indented text. */
export function formatReportJson(report: DataMovementReport): string {
  return `${JSON.stringify(reportJson(report), null, 2)}\n`;
}
