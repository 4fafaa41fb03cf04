// One tenant's program attached at the hook: its own Runtime (memory and maps), budgets, counters and abort state.
import { XdpAction } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import type { CodeCache, Engine, Executable, ProgramFacts } from '../vm/engine.js';
import { engineByName } from '../vm/engines.js';
import { JitLimit } from '../vm/errors.js';
import { CONTEXT_BASE } from '../vm/memory.js';
import type { BlockBuffers } from './file-reader.js';
import { Runtime } from '../vm/runtime.js';
import { TenantAborted } from './errors.js';
import { HOOK_CONTEXT_BYTES, encodeHookContext, type HookContextFields } from './hook-context.js';
import { OutputDrain, isOutputBuffer } from './output-drain.js';
import { ArrayMap } from '../vm/maps.js';
import type { MapContents } from './wire.js';

const DROP = BigInt(XdpAction.DROP);
const PASS = BigInt(XdpAction.PASS);

/** DEFAULT_CHUNK_BUDGET is how many instructions one hook call may execute (enough for ~150 per byte of a 64 KiB chunk). */
export const DEFAULT_CHUNK_BUDGET = 10_000_000;

/** TenantOptions configure one attachment. */
export interface TenantOptions {
  /** Name used in reports and errors. */
  readonly name: string;
  readonly engine: Engine;
  /** What the verifier proved, passed on to the engine. */
  readonly facts?: ProgramFacts;
  /** True when the facts came from the node's cache of verified programs instead of a new verification. */
  readonly verifiedFromCache?: boolean;
  /** Instructions one call may execute (default DEFAULT_CHUNK_BUDGET). */
  readonly chunkBudget?: number;
  /** Instructions the whole query may execute, checked after each call (default: no limit). */
  readonly queryBudget?: number;
  /**
   * Inspect mode (for `sluice run`): every return value is counted in `returns` and trace output is
   * kept in `trace`; a value other than XDP_DROP lets the chunk be copied instead of aborting the tenant.
   */
  readonly inspect?: boolean;
  /** Reserve read blocks of this many bytes in the tenant's memory (see readBlocks). Default: none. */
  readonly readBlockBytes?: number;
  /** Bytes the tenant's maps may take (default DEFAULT_MAP_MEMORY); a larger map is refused by name. */
  readonly mapMemory?: number;
  /** Where the engine may keep and find its compiled code (the node's store), if anywhere. */
  readonly codeCache?: CodeCache;
  /** Bytes the program is expected to see in all (the size of the file read through its buffer), if known: see Engine.load. */
  readonly inputBytes?: number;
  /** Trace output the tenant keeps (default DEFAULT_TRACE_BYTES); later lines are dropped and counted. */
  readonly traceBytes?: number;
}

/**
 * HookChunk is what the read path hands the hook: the chunk is bytes [start, start + length) of
 * `source`, and sits at `fileOffset` in the file. When `source` is one of the tenant's read blocks
 * (readBlocks), the program reads the chunk where it lies, without a copy. The node reuses one
 * HookChunk per open file, so a chunk allocates nothing.
 */
export interface HookChunk {
  readonly source: Uint8Array;
  readonly start: number;
  readonly length: number;
  readonly flags: number;
  readonly index: number;
  readonly fileOffset: number;
  readonly fileSize: number;
}

/** TenantCounts is what one tenant's program did. */
export interface TenantCounts {
  /** Hook calls, the end-of-file flush included. */
  calls: number;
  /** Chunks with data seen at the hook. */
  chunks: number;
  /** Bytes seen at the hook. */
  bytes: number;
  /** Bytes the program passed (XDP_PASS): copied to user space. */
  passedBytes: number;
  /** Bytes the program consumed (XDP_DROP): not copied. */
  droppedBytes: number;
  /** Instructions executed, plus those helpers were charged for the bytes they copied or formatted. */
  instructions: number;
  /** trace_printk lines dropped past the tenant's trace limit. */
  traceDropped: number;
  /** Wall time spent inside the program's runs, in seconds. */
  cpuSeconds: number;
}

/** Tenant runs one verified program for every chunk copied into the buffer it is attached to. */
export class Tenant {
  readonly name: string;
  readonly runtime: Runtime;
  /** True when the node took this program's verdict from its cache of verified programs. */
  readonly verifiedFromCache: boolean;
  /** Why the program runs on the interpreter instead of the engine asked for (the JIT's limit it met), if it does. */
  readonly engineFallback: string | undefined;
  readonly counts: TenantCounts = {
    calls: 0,
    chunks: 0,
    bytes: 0,
    passedBytes: 0,
    droppedBytes: 0,
    instructions: 0,
    traceDropped: 0,
    cpuSeconds: 0,
  };
  /** The records a program with an output buffer (OutputBuffer) returned, copied out after every call. */
  readonly output?: OutputDrain;
  /** Set when the tenant was aborted; it then runs no more. */
  aborted?: TenantAborted;
  /** Inspect mode: how often each return value (r0, unsigned) came back, in order of first appearance. */
  readonly returns = new Map<bigint, number>();
  /** Inspect mode: trace_printk lines of every call, each prefixed with its chunk index. */
  readonly trace: string[] = [];
  private readonly inspect: boolean;
  private readonly readBlockBytes?: number;
  private readonly executable: Executable;
  private readonly queryBudget: number;
  private readonly contextBytes = new Uint8Array(HOOK_CONTEXT_BYTES);
  private readonly contextView = new DataView(this.contextBytes.buffer);
  /** The context's fields, reused for every call (nothing is allocated per chunk). */
  private readonly contextFields: { -readonly [K in keyof HookContextFields]: HookContextFields[K] } = {
    data: 0,
    dataEnd: 0,
    flags: 0,
    chunkIndex: 0,
    fileOffset: 0,
    fileSize: 0,
  };

  constructor(spec: ProgramSpec, options: TenantOptions) {
    this.name = options.name;
    this.verifiedFromCache = options.verifiedFromCache ?? false;
    this.runtime = new Runtime(spec.maps, {
      budget: options.chunkBudget ?? DEFAULT_CHUNK_BUDGET,
      mapMemory: options.mapMemory,
      traceBytes: options.traceBytes,
      readBlockBytes: options.readBlockBytes,
    });
    const loaded = loadWithFallback(spec, this.runtime, options.engine, options.facts, options.codeCache, options.inputBytes);
    this.executable = loaded.executable;
    this.engineFallback = loaded.fallback;
    const outputMap = this.runtime.maps.find((map) => isOutputBuffer(map.spec));
    if (outputMap !== undefined) this.output = new OutputDrain(outputMap);
    this.queryBudget = options.queryBudget ?? Infinity;
    this.inspect = options.inspect ?? false;
    this.readBlockBytes = options.readBlockBytes;
  }

  /**
   * run calls the program on one chunk and returns its action (XdpAction.DROP or PASS). Any other
   * return value, a fault or an exhausted budget aborts the tenant: the TenantAborted is kept in
   * `aborted` and thrown.
   */
  run(chunk: HookChunk): number {
    if (this.aborted) throw this.aborted;
    const space = this.runtime.space;
    const length = chunk.length;
    const data =
      chunk.source.buffer === space.memory.buffer
        ? space.pointInput(chunk.source.byteOffset + chunk.start, length)
        : space.setInput(chunk.source.subarray(chunk.start, chunk.start + length));
    const fields = this.contextFields;
    fields.data = data;
    fields.dataEnd = data + length;
    fields.flags = chunk.flags;
    fields.chunkIndex = chunk.index;
    fields.fileOffset = chunk.fileOffset;
    fields.fileSize = chunk.fileSize;
    encodeHookContext(fields, this.contextView);
    space.setContext(this.contextBytes);
    const started = performance.now();
    let r0: bigint;
    try {
      const result = this.executable.run(CONTEXT_BASE);
      r0 = result.r0;
      this.counts.instructions += result.instructions;
    } catch (error) {
      throw this.abort(chunk, error instanceof Error ? error.message : String(error), error);
    } finally {
      this.counts.cpuSeconds += (performance.now() - started) / 1000;
      this.counts.calls += 1;
      this.counts.traceDropped = this.runtime.traceDropped;
    }
    this.output?.drain();
    if (length > 0) {
      this.counts.chunks += 1;
      this.counts.bytes += length;
    }
    if (this.counts.instructions > this.queryBudget) {
      throw this.abort(chunk, `query instruction budget of ${this.queryBudget} exceeded (${this.counts.instructions} used)`);
    }
    if (this.inspect) {
      this.returns.set(r0, (this.returns.get(r0) ?? 0) + 1);
      for (const line of this.runtime.trace) this.trace.push(`chunk ${chunk.index}: ${line}`);
    }
    if (r0 === DROP) {
      this.counts.droppedBytes += length;
      return XdpAction.DROP;
    }
    if (r0 === PASS || this.inspect) {
      this.counts.passedBytes += length;
      return XdpAction.PASS;
    }
    throw this.abort(chunk, `program returned ${r0}, expected XDP_DROP (1) or XDP_PASS (2)`);
  }

  /**
   * readBlocks returns the two read buffers of `blockBytes` inside this tenant's address space
   * (TenantOptions.readBlockBytes reserved them with its maps), or undefined when there are none: a
   * file read into them reaches the program without a copy. The program can still read only the
   * chunk each call points it at.
   */
  readBlocks(blockBytes: number): BlockBuffers | undefined {
    if (this.readBlockBytes !== blockBytes) return undefined;
    const space = this.runtime.space;
    return (index) => space.readBlock(index, blockBytes);
  }

  /** release frees what the program holds outside this process (the kernel engine's programs and maps); the node calls it on detach. */
  /**
   * returnedMaps is what the program's writable maps hold, as a result message carries them: an array
   * map that returns a block (a join's build side) sends its values in one piece, the output buffer the
   * records drained after every call, in order, and every other map its entries.
   */
  returnedMaps(): MapContents[] {
    return this.runtime.maps
      .filter((map) => !map.spec.readOnly)
      .map((map) => ({
        name: map.name,
        keySize: map.spec.keySize,
        valueSize: map.spec.valueSize,
        ...(map instanceof ArrayMap && map.spec.returnsBlock
          ? { entries: [], block: map.block() }
          : { entries: this.output !== undefined && isOutputBuffer(map.spec) ? this.output.entries() : map.entries() }),
      }));
  }

  release(): void {
    this.executable.close?.();
  }

  private abort(chunk: HookChunk, reason: string, cause?: unknown): TenantAborted {
    this.aborted = new TenantAborted(this.name, chunk.index, chunk.fileOffset, reason, cause);
    return this.aborted;
  }
}

/**
 * loadWithFallback loads `spec` on `engine`; a program the JIT cannot translate (JitLimit: too many
 * blocks for its dispatcher) runs on the interpreter instead, which has no such limit, and the
 * reason comes back for the report. Every other load error propagates.
 */
function loadWithFallback(
  spec: ProgramSpec,
  runtime: Runtime,
  engine: Engine,
  facts: ProgramFacts | undefined,
  codeCache: CodeCache | undefined,
  inputBytes: number | undefined,
): { executable: Executable; fallback?: string } {
  try {
    return { executable: engine.load(spec, runtime, facts, codeCache, inputBytes) };
  } catch (error) {
    const interpreter = engineByName('interpreter');
    if (!(error instanceof JitLimit) || interpreter === undefined) throw error;
    return { executable: interpreter.load(spec, runtime, facts), fallback: `ran on the interpreter: ${error.message}` };
  }
}
