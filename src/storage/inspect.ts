// Runs a user's program at the hook over one file and keeps everything it did, for `sluice run`.
import { basename, dirname, resolve } from 'node:path';
import type { ProgramSpec } from '../asm/program.js';
import type { EngineName } from '../vm/engine.js';
import { StorageNode } from './node.js';
import type { ProgramStore } from './program-store.js';
import { readBufferBytes } from './pushdown.js';
import type { TenantCounts } from './tenant.js';
import type { MapContents } from './wire.js';

/** InspectOptions name the program, the file and how to feed it. */
export interface InspectOptions {
  readonly spec: ProgramSpec;
  readonly file: string;
  readonly chunkBytes: number;
  readonly engine: EngineName;
  /** Where verdicts and JIT code are kept across processes (see ProgramStore); default none. */
  readonly store?: ProgramStore;
}

/** InspectResult is what the program returned, printed and left in its maps. */
export interface InspectResult {
  readonly fileBytes: number;
  readonly counts: TenantCounts;
  /** True when the verdict came from the node's cache or the store instead of a new verification. */
  readonly verifiedFromCache: boolean;
  /** Time to verify (or find the verdict) and load the program, in seconds. */
  readonly loadSeconds: number;
  /** Return values (r0, unsigned) and how many calls returned each, in order of first appearance. */
  readonly returns: ReadonlyMap<bigint, number>;
  readonly trace: readonly string[];
  readonly maps: readonly (MapContents & { readonly type: string })[];
}

/**
 * inspectRun attaches the program (verified first, like every attachment) in inspect mode to a
 * server process's read buffer, reads the whole file through the hook, and returns what happened.
 */
export async function inspectRun(options: InspectOptions): Promise<InspectResult> {
  const path = resolve(options.file);
  const node = new StorageNode({ dataDir: dirname(path), chunkBytes: options.chunkBytes, engine: options.engine, ...(options.store && { store: options.store }) });
  const pid = node.spawn();
  try {
    const bufferBytes = readBufferBytes(node.chunkBytes);
    const buffer = node.memory(pid).allocate(bufferBytes);
    const fd = await node.open(pid, basename(path));
    const attachStarted = performance.now();
    const tenant = node.attach({ pid, address: buffer }, options.spec, { tenant: options.spec.name, engine: options.engine, inspect: true, inputBytes: node.size(pid, fd) });
    const loadSeconds = (performance.now() - attachStarted) / 1000;
    try {
      while ((await node.read(pid, fd, buffer, bufferBytes)) > 0);
    } finally {
      node.detach(tenant);
    }
    return {
      fileBytes: node.size(pid, fd),
      counts: tenant.counts,
      verifiedFromCache: tenant.verifiedFromCache,
      loadSeconds,
      returns: tenant.returns,
      trace: tenant.trace,
      maps: tenant.runtime.maps.map((map) => ({
        name: map.name,
        type: map.spec.type,
        keySize: map.spec.keySize,
        valueSize: map.spec.valueSize,
        entries: map.entries(),
      })),
    };
  } finally {
    await node.exit(pid);
  }
}
