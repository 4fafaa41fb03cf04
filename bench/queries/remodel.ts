// Re-models a measured run on a link of another bandwidth: counts stay, link times and the pipeline change.
import { Link } from '../../src/net/link.js';
import { modelRun } from '../../src/storage/pipeline.js';
import type { RunStats } from '../../src/storage/run-stats.js';

/**
 * endToEndAt returns the modelled end-to-end seconds of `run` had its link carried `bandwidth` bits
 * per second: each direction's one message is sent again on a fresh link, and the run's measured
 * stages (device model, program CPU, load, compute node) go through the same model as the run itself.
 */
export function endToEndAt(run: RunStats, bandwidth: number, latency: number): number {
  const link = new Link({ bandwidth, latency });
  const request = link.send('toStorage', run.link.toStorage.payloadBytes);
  const response = link.send('toCompute', run.link.toCompute.payloadBytes);
  const shape = {
    mode: run.mode,
    chunks: run.hook.chunks,
    device: run.stages.device,
    hook: run.stages.hook,
    loadSeconds: run.hook.loadSeconds,
    computeSeconds: run.computeSeconds,
  };
  return modelRun(shape, request, response).pipeline.endToEnd;
}
