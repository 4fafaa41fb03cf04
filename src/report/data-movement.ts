// The data-movement report: pushdown and ship-all side by side, and what pushdown saved.
import type { DirectionCounts } from '../net/link.js';
import type { RunStats } from '../storage/run-stats.js';
import { SluiceError } from '../util/errors.js';

/** ReportError says two runs cannot be compared (they read different files). */
export class ReportError extends SluiceError {
  override name = 'ReportError';
}

/** Saving compares one quantity between ship-all and pushdown. */
export interface Saving {
  readonly shipAll: number;
  readonly pushdown: number;
  /** shipAll - pushdown. */
  readonly saved: number;
  /** saved / shipAll (0 when shipAll is 0). */
  readonly fraction: number;
  /** shipAll / pushdown: how many times less pushdown needed (Infinity when pushdown is 0). */
  readonly ratio: number;
}

/** DataMovementReport is the whole report of one query answered both ways. */
export interface DataMovementReport {
  readonly pushdown: RunStats;
  readonly shipAll: RunStats;
  readonly saved: {
    /** Payload bytes on the link, both directions. */
    readonly linkPayloadBytes: Saving;
    /** Wire bytes on the link (all headers, preamble, gap, ACKs, retransmissions), both directions. */
    readonly linkWireBytes: Saving;
    /** Frames on the link, both directions. */
    readonly linkPackets: Saving;
    /** Bytes copied into the server process's user buffers. */
    readonly userCopyBytes: Saving;
    /** Modelled end-to-end seconds. */
    readonly endToEndSeconds: Saving;
  };
}

/** saving computes one Saving. */
export function saving(shipAll: number, pushdown: number): Saving {
  const saved = shipAll - pushdown;
  return {
    shipAll,
    pushdown,
    saved,
    fraction: shipAll === 0 ? 0 : saved / shipAll,
    ratio: pushdown === 0 ? (shipAll === 0 ? 1 : Infinity) : shipAll / pushdown,
  };
}

/** linkTotal adds one field of the link counts over both directions. */
export function linkTotal(run: RunStats, field: keyof DirectionCounts): number {
  return run.link.toStorage[field] + run.link.toCompute[field];
}

/** buildReport puts two runs of the same query side by side; they must have read the same file. */
export function buildReport(pushdown: RunStats, shipAll: RunStats): DataMovementReport {
  if (pushdown.file !== shipAll.file || pushdown.fileBytes !== shipAll.fileBytes) {
    throw new ReportError(`runs read different files: ${pushdown.file} (${pushdown.fileBytes} B) and ${shipAll.file} (${shipAll.fileBytes} B)`);
  }
  return {
    pushdown,
    shipAll,
    saved: {
      linkPayloadBytes: saving(linkTotal(shipAll, 'payloadBytes'), linkTotal(pushdown, 'payloadBytes')),
      linkWireBytes: saving(linkTotal(shipAll, 'wireBytes'), linkTotal(pushdown, 'wireBytes')),
      linkPackets: saving(linkTotal(shipAll, 'packets'), linkTotal(pushdown, 'packets')),
      userCopyBytes: saving(shipAll.userSpace.copiedBytes, pushdown.userSpace.copiedBytes),
      endToEndSeconds: saving(shipAll.pipeline.endToEnd, pushdown.pipeline.endToEnd),
    },
  };
}
