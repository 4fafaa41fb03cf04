// The counters and times of one run (pushdown or ship-all), as the report consumes them.
import type { DirectionCounts } from '../net/link.js';
import type { PipelineTimes, StageSeconds } from './pipeline.js';

/** RunMode names the two ways to answer a query. */
export type RunMode = 'pushdown' | 'ship-all';

/**
 * RunStats is everything measured or modelled in one run. Byte and packet counts are exact counts;
 * `*Seconds` fields named measured are wall-clock times of real work on this machine, the others
 * come from the device, link and pipeline models.
 */
export interface RunStats {
  readonly mode: RunMode;
  /** The file's path relative to the data directory, and its size in bytes. */
  readonly file: string;
  readonly fileBytes: number;
  /** Data rows in the file, when the caller knows them. */
  readonly rows?: number;
  /** Bytes per copyOut call. */
  readonly chunkBytes: number;
  /** Pushdown with an output buffer (a row selection): the records the program returned, and their bytes. */
  readonly returned?: { readonly rows: number; readonly bytes: number };
  readonly device: {
    /** Bytes read from the devices (page cache misses). */
    readonly bytesRead: number;
    readonly requests: number;
    readonly pageHits: number;
    readonly pageMisses: number;
  };
  readonly hook: {
    /** Program runs, the end-of-file flush included (0 in ship-all). */
    readonly calls: number;
    /** Chunks that went through copyOut, and their bytes. */
    readonly chunks: number;
    readonly bytes: number;
    /** eBPF instructions executed, plus those helpers were charged for copying or formatting (runtime.ts). */
    readonly instructions: number;
    /** Measured wall time inside the program's runs. */
    readonly cpuSeconds: number;
    /** Measured wall time to verify the program and load it into its engine, before the first chunk (0 in ship-all). */
    readonly loadSeconds: number;
    /** True when the node had verified this program before and took the verdict from its cache (false in ship-all). */
    readonly verifyCached: boolean;
    /** Why the program ran on the interpreter instead of the engine asked for (a JIT limit), if it did. */
    readonly engineFallback?: string;
  };
  readonly userSpace: {
    readonly copiedBytes: number;
    readonly notCopiedBytes: number;
  };
  readonly link: {
    readonly toStorage: DirectionCounts;
    readonly toCompute: DirectionCounts;
  };
  /** Measured compute-node time: parsing and computing (ship-all) or decoding the result (pushdown). */
  readonly computeSeconds: number;
  /** Busy time per pipeline stage and the pipeline model's answer. */
  readonly stages: StageSeconds;
  readonly pipeline: PipelineTimes;
}
