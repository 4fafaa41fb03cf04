// Re-models a measured run on a link of another bandwidth: counts stay, link times and the pipeline change.
import { Link } from '../../src/net/link.js';
import { pipelineTimes } from '../../src/storage/pipeline.js';
import type { RunStats } from '../../src/storage/run-stats.js';

/**
 * endToEndAt returns the modelled end-to-end seconds of `run` had its link carried `bandwidth`
 * bits per second: each direction's one message is sent again on a fresh link with the run's other
 * link settings, and the measured stages (device model, hook CPU, compute node) are kept.
 * This mirrors how runPushdown and runShipAll place their messages around the pipeline.
 */
export function endToEndAt(run: RunStats, bandwidth: number, latency: number): number {
  const link = new Link({ bandwidth, latency });
  const request = link.send('toStorage', run.link.toStorage.payloadBytes);
  const response = link.send('toCompute', run.link.toCompute.payloadBytes);
  if (run.mode === 'pushdown') {
    const stages = { ...run.stages, link: 0 };
    return pipelineTimes({
      chunks: run.hook.chunks,
      stages,
      before: request.seconds + run.hook.loadSeconds,
      after: response.seconds + run.computeSeconds,
    }).endToEnd;
  }
  const stages = { ...run.stages, link: response.serializationSeconds };
  return pipelineTimes({
    chunks: run.hook.chunks,
    stages,
    before: request.seconds,
    after: response.seconds - response.serializationSeconds,
  }).endToEnd;
}
