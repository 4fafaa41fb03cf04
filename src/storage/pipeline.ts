// The stage overlap model: device read, hook compute, link and compute node work on different chunks at once.
import type { Transfer } from '../net/link.js';

/** StageSeconds are the total busy seconds of each pipeline stage over a whole run. */
export interface StageSeconds {
  /** Modelled device time (requests' latency + transfer). */
  readonly device: number;
  /** Measured wall time of the eBPF program on the storage node (0 when nothing runs there). */
  readonly hook: number;
  /** Modelled serialization time of the streamed data on the link (0 when only the result crosses). */
  readonly link: number;
  /** Measured parse/compute time on the compute node. */
  readonly compute: number;
}

/** StageName names one pipeline stage. */
export type StageName = keyof StageSeconds;

/** PipelineInput is one run as the model sees it. */
export interface PipelineInput {
  /** Chunks that flow through the pipeline (at least 1 for a non-empty file). */
  readonly chunks: number;
  readonly stages: StageSeconds;
  /** Seconds before the first chunk can start (request or program crossing the link, with latency; verify and load). */
  readonly before: number;
  /** Seconds after the last chunk leaves its last stage (link latency, the result crossing back). */
  readonly after: number;
}

/** PipelineTimes is the model's answer. */
export interface PipelineTimes {
  /** The stage with the most busy time: it sets the pace. */
  readonly bottleneck: StageName;
  /** Time to push all chunks through the stages: sum of one chunk's stage times + (n - 1) x the slowest. */
  readonly streaming: number;
  /** before + streaming + after. */
  readonly endToEnd: number;
}

/**
 * pipelineTimes models the stages as a pipeline over equal chunks: each stage spends S/n seconds on
 * each of n chunks and a chunk enters a stage once the previous stage is done with it and the stage is
 * free. Then the first chunk takes the sum of the per-chunk stage times to get through (the fill),
 * and each later chunk leaves one slowest-stage time after the one before it:
 *
 *   streaming = sum_i(S_i / n) + (n - 1) * max_i(S_i / n)
 *
 * which is max_i(S_i) + fill latency when n is large. Fixed latencies are outside the pipeline:
 * endToEnd = before + streaming + after.
 */
export function pipelineTimes(input: PipelineInput): PipelineTimes {
  const names = Object.keys(input.stages) as StageName[];
  let bottleneck: StageName = 'device';
  for (const name of names) if (input.stages[name] > input.stages[bottleneck]) bottleneck = name;
  const n = input.chunks;
  let streaming = 0;
  if (n > 0) {
    let perChunkSum = 0;
    for (const name of names) perChunkSum += input.stages[name] / n;
    streaming = perChunkSum + (n - 1) * (input.stages[bottleneck] / n);
  }
  return { bottleneck, streaming, endToEnd: input.before + streaming + input.after };
}

/** RunShape is what the model needs of a run besides its two messages. */
export interface RunShape {
  readonly mode: 'pushdown' | 'ship-all';
  readonly chunks: number;
  /** Modelled device seconds and measured program seconds on the node. */
  readonly device: number;
  readonly hook: number;
  /** Measured verify + load seconds before the first chunk (0 in ship-all). */
  readonly loadSeconds: number;
  /** Measured compute-node seconds: decoding the result (pushdown) or parsing and computing (ship-all). */
  readonly computeSeconds: number;
}

/**
 * modelRun places a run's request and response around its pipelined chunks. Pushdown: the program
 * crosses and is verified and loaded before the first chunk; only the result crosses back, and is
 * decoded, after the last. Ship-all: the file streams over the link and is parsed on the compute node,
 * both as pipeline stages; only the stream's latency remains after the last chunk.
 */
export function modelRun(run: RunShape, request: Transfer, response: Transfer): { stages: StageSeconds; pipeline: PipelineTimes } {
  const pushdown = run.mode === 'pushdown';
  const stages: StageSeconds = {
    device: run.device,
    hook: run.hook,
    link: pushdown ? 0 : response.serializationSeconds,
    compute: pushdown ? 0 : run.computeSeconds,
  };
  const before = request.seconds + run.loadSeconds;
  const after = pushdown ? response.seconds + run.computeSeconds : response.seconds - response.serializationSeconds;
  return { stages, pipeline: pipelineTimes({ chunks: run.chunks, stages, before, after }) };
}
