// The compute node's engines for ship-all: csv-parse (the baseline), the query's own eBPF program run over the shipped bytes, or DuckDB.
import type { CompiledQuery } from '../codegen/compile.js';
import { createBaselineConsumer } from '../baseline/scan.js';
import type { Plan } from '../sql/plan.js';
import type { ResultTable } from '../sql/result.js';
import { resolveEngine } from '../storage/engines.js';
import { HookFlag } from '../storage/hook-context.js';
import type { ShipAllConsumer } from '../storage/shipall.js';
import { Tenant } from '../storage/tenant.js';
import { verifyForHook } from '../storage/verify-hook.js';
import type { EngineName } from '../vm/engine.js';
import type { MapContents } from '../storage/wire.js';
import type { ComputeEngine } from './compute-engine-names.js';
import { duckDbConsumer } from './duckdb-compute.js';

export { COMPUTE_ENGINES, type ComputeEngine } from './compute-engine-names.js';

/**
 * computeConsumer returns the compute node's side of a ship-all run. 'csv-parse' parses records with
 * csv-parse and evaluates the plan in exact arithmetic (independent of the code generator);
 * 'program' verifies and runs the same compiled eBPF program the storage node would, on the compute
 * node over the shipped bytes, so that pushdown and ship-all differ only in where the bytes are;
 * 'duckdb' answers `sql` with DuckDB on one thread over the shipped CSV (see duckDbConsumer).
 */
export function computeConsumer(kind: ComputeEngine, plan: Plan, compiled: CompiledQuery, engine: EngineName, sql: string): ShipAllConsumer<ResultTable> {
  if (kind === 'duckdb') return duckDbConsumer(plan, sql);
  return kind === 'csv-parse' ? createBaselineConsumer(plan) : programConsumer(compiled, engine);
}

/** programConsumer runs the compiled program over the shipped bytes (see programMapsConsumer) and decodes its answer. */
function programConsumer(compiled: CompiledQuery, engine: EngineName): ShipAllConsumer<ResultTable> {
  const maps = programMapsConsumer(compiled, engine);
  return {
    write: (bytes) => maps.write(bytes),
    end: () => {
      const contents = maps.end();
      return compiled.decode((name) => {
        const map = contents.find((m) => m.name === name);
        if (!map) throw new RangeError(`the program has no map named '${name}'`);
        return map.entries;
      });
    },
  };
}

/**
 * programMapsConsumer runs the compiled program over the shipped bytes in chunks of its maxChunk, then
 * the end-of-file call, and returns its writable maps as a storage node would send them.
 */
export function programMapsConsumer(compiled: CompiledQuery, engine: EngineName): { write(bytes: Uint8Array): void; end(): MapContents[] } {
  // Verified and loaded before the bytes arrive, as the storage node does before its first chunk (a start-up cost, not a rate).
  const tenant = new Tenant(compiled.spec, { name: 'compute node', engine: resolveEngine(engine), facts: verifyForHook(compiled.spec) });
  let offset = 0;
  let index = 0;
  const run = (bytes: Uint8Array, flags: number) => {
    // file_size is 0: the bytes stream in; the query program reads only data and data_end.
    tenant.run({ source: bytes, start: 0, length: bytes.length, flags: flags | (index === 0 ? HookFlag.FIRST : 0), index, fileOffset: offset, fileSize: 0 });
    index += 1;
    offset += bytes.length;
  };
  return {
    write(bytes) {
      for (let at = 0; at < bytes.length; at += compiled.maxChunk) run(bytes.subarray(at, at + compiled.maxChunk), 0);
    },
    end() {
      run(new Uint8Array(0), HookFlag.EOF_FLUSH);
      try {
        return tenant.returnedMaps();
      } finally {
        tenant.release();
      }
    },
  };
}
