// One tenant's program attached at the hook: its own Runtime (memory and maps), budgets, counters and abort state.
import { XdpAction } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import type { Engine, Executable, ProgramFacts } from '../vm/engine.js';
import { CONTEXT_BASE } from '../vm/memory.js';
import { Runtime } from '../vm/runtime.js';
import { TenantAborted } from './errors.js';
import { HOOK_CONTEXT_BYTES, encodeHookContext } from './hook-context.js';

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
  /** Instructions one call may execute (default DEFAULT_CHUNK_BUDGET). */
  readonly chunkBudget?: number;
  /** Instructions the whole query may execute, checked after each call (default: no limit). */
  readonly queryBudget?: number;
  /**
   * Inspect mode (for `sluice run`): every return value is counted in `returns` and trace output is
   * kept in `trace`; a value other than XDP_DROP lets the chunk be copied instead of aborting the tenant.
   */
  readonly inspect?: boolean;
  /** Bytes the tenant's maps may take (default DEFAULT_MAP_MEMORY); a larger map is refused by name. */
  readonly mapMemory?: number;
  /** Trace output the tenant keeps (default DEFAULT_TRACE_BYTES); later lines are dropped and counted. */
  readonly traceBytes?: number;
}

/** HookChunk is what the read path hands the hook: the bytes and where they sit in the file. */
export interface HookChunk {
  readonly bytes: Uint8Array;
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
  /** Set when the tenant was aborted; it then runs no more. */
  aborted?: TenantAborted;
  /** Inspect mode: how often each return value (r0, decimal) came back, in order of first appearance. */
  readonly returns = new Map<string, number>();
  /** Inspect mode: trace_printk lines of every call, each prefixed with its chunk index. */
  readonly trace: string[] = [];
  private readonly inspect: boolean;
  private readonly executable: Executable;
  private readonly queryBudget: number;
  private readonly contextBytes = new Uint8Array(HOOK_CONTEXT_BYTES);
  private readonly contextView = new DataView(this.contextBytes.buffer);

  constructor(spec: ProgramSpec, options: TenantOptions) {
    this.name = options.name;
    this.runtime = new Runtime(spec.maps, {
      budget: options.chunkBudget ?? DEFAULT_CHUNK_BUDGET,
      mapMemory: options.mapMemory,
      traceBytes: options.traceBytes,
    });
    this.executable = options.engine.load(spec, this.runtime, options.facts);
    this.queryBudget = options.queryBudget ?? Infinity;
    this.inspect = options.inspect ?? false;
  }

  /**
   * run calls the program on one chunk and returns its action (XdpAction.DROP or PASS). Any other
   * return value, a fault or an exhausted budget aborts the tenant: the TenantAborted is kept in
   * `aborted` and thrown.
   */
  run(chunk: HookChunk): number {
    if (this.aborted) throw this.aborted;
    const space = this.runtime.space;
    const data = space.setInput(chunk.bytes);
    encodeHookContext(
      {
        data,
        dataEnd: data + chunk.bytes.length,
        flags: chunk.flags,
        chunkIndex: chunk.index,
        fileOffset: chunk.fileOffset,
        fileSize: chunk.fileSize,
      },
      this.contextView,
    );
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
    if (chunk.bytes.length > 0) {
      this.counts.chunks += 1;
      this.counts.bytes += chunk.bytes.length;
    }
    if (this.counts.instructions > this.queryBudget) {
      throw this.abort(chunk, `query instruction budget of ${this.queryBudget} exceeded (${this.counts.instructions} used)`);
    }
    if (this.inspect) {
      const key = r0.toString();
      this.returns.set(key, (this.returns.get(key) ?? 0) + 1);
      for (const line of this.runtime.trace) this.trace.push(`chunk ${chunk.index}: ${line}`);
    }
    if (r0 === DROP) {
      this.counts.droppedBytes += chunk.bytes.length;
      return XdpAction.DROP;
    }
    if (r0 === PASS || this.inspect) {
      this.counts.passedBytes += chunk.bytes.length;
      return XdpAction.PASS;
    }
    throw this.abort(chunk, `program returned ${r0}, expected XDP_DROP (1) or XDP_PASS (2)`);
  }

  private abort(chunk: HookChunk, reason: string, cause?: unknown): TenantAborted {
    this.aborted = new TenantAborted(this.name, chunk.index, chunk.fileOffset, reason, cause);
    return this.aborted;
  }
}
