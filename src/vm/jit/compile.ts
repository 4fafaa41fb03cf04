// Builds the WebAssembly module for a whole program: imports, globals, one function per eBPF function, exports.
import { namedFunction } from '../../asm/control.js';
import { bySlot, type Instruction, lddwValue } from '../../asm/instruction.js';
import { PseudoSrc } from '../../asm/opcodes.js';
import type { ProgramSpec } from '../../asm/program.js';
import { InvalidProgram } from '../errors.js';
import { CONTEXT_BASE, FRAME_SIZE, HELPER_FRAME, STACK_BASE, STACK_TOP } from '../memory.js';
import { blockTrees } from './block-tree.js';
import { buildCfgs, emptyCfg } from './cfg.js';
import { compileFunction } from './emit-function.js';
import { cachedLookupFunction, emitEpochBump, planLookupCaches } from './lookup-cache.js';
import { FUNCTION_TYPE } from './locals.js';
import { type ArrayLayout, FaultKind, type Globals, type Imports, type ModuleContext, type WritableRange } from './module-context.js';
import { Code } from './wasm-code.js';
import { type FuncType, ModuleBuilder } from './wasm-module.js';
import { Op, ValType } from './wasm-opcodes.js';

/** CompileOptions is what the compiler needs to know about the runtime the module will run in. */
export interface CompileOptions {
  /** Slots of accesses proven in bounds (the verifier's safeAccesses); empty means check all. */
  readonly safeAccesses?: ReadonlySet<number>;
  /** Instructions one run may execute. */
  readonly budget: number;
  /** Whether the program may write its input region. */
  readonly writableInput: boolean;
  /** Where everything the program may write lies: proven stores outside it still fault. */
  readonly writable: WritableRange;
  /** Values `lddw` loads for map references, global data and function references. */
  mapHandle(index: number): number;
  mapValueAddress(index: number, offset: number, slot: number): number;
  funcHandle(slot: number): number;
  /** Value layout of map `index` when it is an array (or percpu_array) map: lookups then run inline. */
  arrayLayout(index: number): ArrayLayout | undefined;
  /** Key size of map `index` when it is a plain hash map whose lookups may be cached in wasm (lookup-cache.ts). */
  cacheableKeySize?(index: number): number | undefined;
}

/** CompiledProgram is the module's binary and the table slot of each eBPF function (by its first slot). */
export interface CompiledProgram {
  readonly binary: Uint8Array<ArrayBuffer>;
  readonly tableIndex: ReadonlyMap<number, number>;
}

/**
 * The module's exports:
 *   run(r1: f64, r2: f64, inputStart: i32, inputEnd: i32, contextEnd: i32) -> f64 instructions executed;
 *       r0 is left in the helper frame's r0 slot (HELPER_FRAME).
 *   callback(table: i32, index: i32, ctxLo: i32, ctxHi: i32, callerSlot: i32) -> i32
 *       runs a bpf_loop callback one frame below the caller of bpf_loop; returns r0's halves OR-ed.
 * Its imports (module "env"): memory, and the functions listed in module-context.ts.
 */
export function compileProgram(spec: ProgramSpec, options: CompileOptions): CompiledProgram {
  const slots = bySlot(spec.insns);
  const { starts, entryCalled } = functionStarts(slots);
  const m = new ModuleBuilder();
  m.importMemory('env', 'memory', 1);
  const i32 = ValType.i32;
  const faultImport = m.importFunction('env', 'fault', { params: [i32, i32], results: [] });
  const imports: Imports = {
    fault: -1,
    access: m.importFunction('env', 'access', { params: [i32, i32, i32, i32, i32], results: [] }),
    helper: m.importFunction('env', 'helper', { params: [i32, i32], results: [i32] }),
    callx: m.importFunction('env', 'callx', { params: [i32, i32, i32], results: [i32] }),
    lookup: m.importFunction('env', 'lookup', { params: [i32, i32, i32, i32, i32], results: [i32] }),
  };
  // Cold paths call the import through a wasm function: a direct call keeps no import
  // reference live in registers across hot loops (V8 hoists those into the loop otherwise).
  const fault = m.declareFunction();
  m.define(fault, trampoline(faultImport));
  const ctxImports: Imports = { ...imports, fault };
  const global = () => m.addGlobal({ type: ValType.i64, initial: 0n });
  const globals: Globals = { count: global(), inputStart: global(), inputEnd: global(), contextEnd: global(), fp: global() };
  const functionAt = new Map<number, number>();
  for (const start of starts) functionAt.set(start, m.declareFunction());
  const caches = planLookupCaches(
    spec.maps.map((_, index) => (options.writableInput ? undefined : options.cacheableKeySize?.(index))),
    (index) => options.mapHandle(index),
  );
  const cachedLookups = caches.map((cache) => {
    if (cache === undefined) return undefined;
    const index = m.declareFunction();
    m.define(index, cachedLookupFunction(cache, ctxImports, options.writable));
    return index;
  });
  const lookupCaches = cachedLookups.some((f) => f !== undefined);
  // checks[size * 2 + write]: the bounds-check function for accesses of `size` bytes, once declared.
  const checks: number[] = [];
  const safe = options.safeAccesses ?? new Set<number>();
  const ctx: ModuleContext = {
    program: spec.name,
    imports: ctxImports,
    globals,
    budget: BigInt(options.budget),
    writableInput: options.writableInput,
    writable: options.writable,
    safe: (slot) => safe.has(slot),
    checkFunction(size, write) {
      const key = size * 2 + (write ? 1 : 0);
      let index = checks[key];
      if (index === undefined) {
        index = m.declareFunction();
        checks[key] = index;
        m.define(index, checkFunction(ctx, size, write));
      }
      return index;
    },
    callee(target, slot) {
      const index = functionAt.get(target);
      if (index === undefined) throw new InvalidProgram(slot, `local call to insn #${target}, which does not start a function`);
      return index;
    },
    arrayLayout: (index) => options.arrayLayout(index),
    cachedLookup: (index) => cachedLookups[index],
    lookupCaches,
    constant: (insn, slot) => lddwConstant(insn, slot, options),
  };
  const tableIndex = new Map<number, number>();
  const graphs = buildCfgs(slots, starts);
  const trees = blockTrees(graphs.map((graph) => (graph instanceof InvalidProgram ? emptyCfg(0) : graph)));
  starts.forEach((start, k) => {
    const index = functionAt.get(start)!;
    // Only `run` enters the entry function (unless the program calls slot 0): its r10 is a constant.
    const fixedFrame = start === 0 && !entryCalled ? STACK_TOP : undefined;
    m.define(index, compileFunction(ctx, slots, start, graphs[k]!, trees[k]!, fixedFrame));
    tableIndex.set(start, m.addTableEntry(index));
  });
  const entry = functionAt.get(0)!;
  m.define(m.declareFunction(), runFunction(globals, entry, lookupCaches));
  m.define(m.declareFunction(), callbackFunction(m, ctxImports, globals));
  return { binary: m.build(), tableIndex };
}

/**
 * functionStarts returns the sorted first slots of the entry function and of every sub-program,
 * and whether anything calls or references the entry function itself.
 */
function functionStarts(slots: readonly (Instruction | undefined)[]): { starts: number[]; entryCalled: boolean } {
  const starts = new Set<number>([0]);
  let entryCalled = false;
  slots.forEach((insn, slot) => {
    if (!insn) return;
    const target = namedFunction(insn, slot);
    if (target === undefined) return;
    if (target === 0) entryCalled = true;
    if (target < 0 || target >= slots.length || !slots[target]) {
      throw new InvalidProgram(slot, `function reference to insn #${target}, which is not an instruction of the program`);
    }
    starts.add(target);
  });
  return { starts: [...starts].sort((a, b) => a - b), entryCalled };
}

/** lddwConstant is the value the compiled code loads for the `lddw` at `slot` (map handles and addresses come from `options`). */
export function lddwConstant(insn: Instruction, slot: number, options: CompileOptions): bigint {
  switch (insn.src) {
    case PseudoSrc.NONE:
      return lddwValue(insn);
    case PseudoSrc.MAP_FD:
      return BigInt(options.mapHandle(insn.imm));
    case PseudoSrc.MAP_VALUE:
      return BigInt(options.mapValueAddress(insn.imm, insn.imm2 ?? 0, slot));
    case PseudoSrc.FUNC:
      return BigInt(options.funcHandle(namedFunction(insn, slot)!));
    default:
      throw new InvalidProgram(slot, `lddw with pseudo source ${insn.src} is not supported`);
  }
}

/**
 * checkFunction builds `(address: i64, slot: i32) -> i32` for accesses of `size` bytes: the
 * stack, input and context are checked inline; anything else (map values, or a fault) goes to
 * the imported `access`, which throws the interpreter's named errors.
 */
function checkFunction(ctx: ModuleContext, size: number, write: boolean) {
  const c = new Code();
  const [address, slot] = [0, 1];
  const accept = () => c.ifThen().get(address).op(Op.i32_wrap_i64).op(Op.return).end();
  const within = (pushStart: () => void, pushEnd: () => void) => {
    c.get(address);
    pushStart();
    c.op(Op.i64_ge_u);
    c.get(address);
    pushEnd();
    c.i64(size).op(Op.i64_sub).op(Op.i64_le_u).op(Op.i32_and);
    accept();
  };
  within(() => c.i64(STACK_BASE), () => c.i64(STACK_TOP));
  if (!write || ctx.writableInput) within(() => c.globalGet(ctx.globals.inputStart), () => c.globalGet(ctx.globals.inputEnd));
  if (!write) within(() => c.i64(CONTEXT_BASE), () => c.globalGet(ctx.globals.contextEnd));
  c.get(address).op(Op.i32_wrap_i64);
  c.get(address).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  c.i32(size).i32(write ? 1 : 0).get(slot).call(ctx.imports.access);
  c.get(address).op(Op.i32_wrap_i64);
  const type: FuncType = { params: [ValType.i64, ValType.i32], results: [ValType.i32] };
  return { type, locals: [], body: c.finish().slice() };
}

/** trampoline is `(kind: i32, slot: i32)`: calls the imported fault function, which throws. */
function trampoline(importIndex: number) {
  const c = new Code().get(0).get(1).call(importIndex).op(Op.unreachable);
  return { type: { params: [ValType.i32, ValType.i32], results: [] }, locals: [], body: c.finish().slice() };
}

/** runFunction is the exported entry: starts a cache epoch, sets the per-run globals, runs frame 0, leaves r0 in the helper frame. */
function runFunction(globals: Globals, entry: number, lookupCaches: boolean) {
  const c = new Code();
  if (lookupCaches) emitEpochBump(c);
  c.get(2).op(Op.i64_extend_i32_u).globalSet(globals.inputStart);
  c.get(3).op(Op.i64_extend_i32_u).globalSet(globals.inputEnd);
  c.get(4).op(Op.i64_extend_i32_u).globalSet(globals.contextEnd);
  const count = 5;
  c.i32(HELPER_FRAME);
  c.get(0).truncSatF64ToI64().get(1).truncSatF64ToI64();
  c.i64(0).i64(0).i64(0).i64(STACK_TOP).i64(0);
  c.call(entry).set(count).mem(Op.i64_store);
  c.get(count).op(Op.f64_convert_i64_u);
  const type: FuncType = { params: [ValType.f64, ValType.f64, ValType.i32, ValType.i32, ValType.i32], results: [ValType.f64] };
  return { type, locals: [ValType.i64], body: c.finish().slice(), exportAs: 'run' };
}

/** callbackFunction is the exported bpf_loop callback trampoline (see compileProgram). */
function callbackFunction(m: ModuleBuilder, imports: Imports, globals: Globals) {
  const c = new Code();
  const [table, index, ctxLo, ctxHi, callerSlot, saved, result] = [0, 1, 2, 3, 4, 5, 6];
  c.globalGet(globals.fp).tee(saved).i64(STACK_BASE + 2 * FRAME_SIZE).op(Op.i64_lt_u).ifThen();
  c.i32(FaultKind.callDepth).get(callerSlot).call(imports.fault).end();
  c.get(index).op(Op.i64_extend_i32_u);
  c.get(ctxHi).op(Op.i64_extend_i32_u).i64(32).op(Op.i64_shl).get(ctxLo).op(Op.i64_extend_i32_u).op(Op.i64_or);
  c.i64(0).i64(0).i64(0);
  c.get(saved).i64(FRAME_SIZE).op(Op.i64_sub);
  c.globalGet(globals.count);
  c.get(table).callIndirect(m.typeIndex(FUNCTION_TYPE)).globalSet(globals.count).set(result);
  c.get(saved).globalSet(globals.fp);
  c.get(result).op(Op.i32_wrap_i64).get(result).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64).op(Op.i32_or);
  const i32 = ValType.i32;
  const type: FuncType = { params: [i32, i32, i32, i32, i32], results: [i32] };
  return { type, locals: [ValType.i64, ValType.i64], body: c.finish().slice(), exportAs: 'callback' };
}
