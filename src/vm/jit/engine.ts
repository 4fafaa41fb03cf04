// The JIT engine: compiles a program to a WebAssembly module over the runtime's memory and runs it.
import type { ProgramSpec } from '../../asm/program.js';
import type { CodeCache, Engine, Executable, ProgramFacts, RunResult } from '../engine.js';
import { BudgetExceeded, CallDepthExceeded, InvalidHelperArgument, InvalidProgram, UnknownHelper } from '../errors.js';
import { ArrayMap, HashMap } from '../maps.js';
import { HELPER_FRAME, MAX_FRAMES } from '../memory.js';
import { preflight } from '../preflight.js';
import { type CallbackInvoker, FUNC_HANDLE_BASE, HELPER_FRAME_INDEX, type Runtime } from '../runtime.js';
import { compileCached } from './code-cache.js';
import { FaultKind } from './module-context.js';
import { sharedModule } from './module-cache.js';

/**
 * OPTIMISE_FROM_BYTES is the input size from which a program's module may be recompiled by V8's optimising
 * compiler: below it the scan ends before that compile would (Q6 at TPC-H SF 0.01, 6.8 MB, scans in about
 * 25 ms on the baseline code, where the optimising compile of its callback takes 0.1-0.3 s of CPU).
 */
export const OPTIMISE_FROM_BYTES = 16 << 20;

/** JitExports are the functions the compiled module exports (see compile.ts). */
interface JitExports {
  run(r1: number, r2: number, inputStart: number, inputEnd: number, contextEnd: number): number;
  callback(table: number, index: number, ctxLo: number, ctxHi: number, callerSlot: number): number;
}

/** jitEngine translates each program to WebAssembly once at load; runs execute native code. */
export const jitEngine: Engine = {
  name: 'jit',
  load(program: ProgramSpec, runtime: Runtime, facts?: ProgramFacts, codeCache?: CodeCache, inputBytes?: number): Executable {
    const compiled = compileCached(program, {
      safeAccesses: facts?.safeAccesses,
      budget: runtime.budget,
      writableInput: runtime.space.input.writable,
      writable: { start: runtime.space.writableStart, end: runtime.space.writableEnd },
      mapHandle: (index) => runtime.mapHandle(index),
      mapValueAddress: (index, offset, slot) => runtime.mapValueAddress(index, offset, slot),
      funcHandle: (slot) => FUNC_HANDLE_BASE + slot,
      arrayLayout: (index) => {
        const map = runtime.maps[index];
        if (!(map instanceof ArrayMap)) return undefined;
        return { start: map.region.start, stride: map.stride, maxEntries: map.spec.maxEntries };
      },
      cacheableKeySize: (index) => {
        const map = runtime.maps[index];
        return map instanceof HashMap && map.spec.type === 'hash' ? map.spec.keySize : undefined;
      },
    }, () => preflight(program), codeCache);
    let exports: JitExports | undefined;
    const invoke: CallbackInvoker = (slot, index, ctxLo, ctxHi, callerSlot) => {
      const table = compiled.tableIndex.get(slot);
      if (table === undefined) throw new InvalidHelperArgument(callerSlot, `bpf_loop callback insn #${slot} does not start a function`);
      return exports!.callback(table, index, ctxLo, ctxHi, callerSlot);
    };
    const env = {
      memory: runtime.space.memory,
      fault: (kind: number, slot: number) => {
        throw fault(kind, slot, runtime);
      },
      access: (low: number, high: number, size: number, write: number, slot: number) => {
        if (write) runtime.checkWrite(low >>> 0, high, size, slot);
        else runtime.checkRead(low >>> 0, high, size, slot);
      },
      helper: (id: number, slot: number) => {
        runtime.call(id, slot, invoke);
        return runtime.takeCharge();
      },
      callx: (low: number, high: number, slot: number) => {
        if (high !== 0 || !runtime.isHelper(low)) throw new UnknownHelper(slot, high * 2 ** 32 + (low >>> 0));
        runtime.call(low, slot, invoke);
        return runtime.takeCharge();
      },
      lookup: (handleLo: number, handleHi: number, keyLo: number, keyHi: number, slot: number) => {
        if ((handleHi | keyHi) === 0) return runtime.mapLookup(handleLo >>> 0, keyLo >>> 0, slot);
        const frame = runtime.frame;
        frame.set([handleLo, handleHi, keyLo, keyHi], HELPER_FRAME_INDEX + 2);
        runtime.call(1, slot);
        return frame[HELPER_FRAME_INDEX]!;
      },
    };
    const tiers = inputBytes !== undefined && inputBytes < OPTIMISE_FROM_BYTES ? 'baseline' : 'tiered';
    exports = new WebAssembly.Instance(sharedModule(compiled.binary, tiers), { env }).exports as unknown as JitExports;
    return new JitExecutable(runtime, exports);
  },
};

class JitExecutable implements Executable {
  constructor(
    private readonly runtime: Runtime,
    private readonly exports: JitExports,
  ) {}

  run(r1: number, r2 = 0): RunResult {
    const runtime = this.runtime;
    const space = runtime.space;
    runtime.beginRun();
    const instructions = this.exports.run(r1, r2, space.input.start, space.input.end, space.context.end);
    return { r0: space.view.getBigUint64(HELPER_FRAME, true), instructions };
  }
}

function fault(kind: number, slot: number, runtime: Runtime): Error {
  switch (kind) {
    case FaultKind.budget:
      return new BudgetExceeded(slot, runtime.budget);
    case FaultKind.callDepth:
      return new CallDepthExceeded(slot, MAX_FRAMES);
    default:
      return new InvalidProgram(slot, 'execution falls off the end of its function');
  }
}
