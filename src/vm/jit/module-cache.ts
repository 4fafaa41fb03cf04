// The compiled WebAssembly modules of one process, shared by every load of the same module bytes (and with them V8's optimised code).
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';

/** MAX_SHARED_MODULES is how many modules the process keeps, the least recently loaded dropped first. */
export const MAX_SHARED_MODULES = 16;

/**
 * modules maps the SHA-256 of a module's bytes to the module compiled from them. Why share them: V8
 * first runs a new module's functions with its baseline compiler and recompiles the hot ones with its
 * optimising compiler in the background; for a scanner's large callback that takes 0.1-0.2 s, during
 * which a tenant scans at a third of its later speed. Instances of one module share its code, so a
 * tenant that loads a program the process ran before starts at the optimised speed. A module holds no
 * state of its own (memory, globals, table and imports are the instance's), so sharing it is safe.
 */
const modules = new Map<string, WebAssembly.Module>();

/**
 * Tiers says which of V8's WebAssembly compilers a module's code may come from: `tiered`, the
 * baseline compiler (Liftoff) first and the optimising one (TurboFan) for the functions that turn
 * hot, or `baseline`, Liftoff only, for a module that will not run long enough to repay the
 * optimising compiler (see OPTIMISE_FROM_BYTES).
 */
export type Tiers = 'tiered' | 'baseline';

/** sharedModule returns the module compiled from `binary` for `tiers`, compiling it only when the process does not hold it yet. */
export function sharedModule(binary: Uint8Array<ArrayBuffer>, tiers: Tiers = 'tiered'): WebAssembly.Module {
  const key = `${tiers} ${createHash('sha256').update(binary).digest('hex')}`;
  let module = modules.get(key);
  if (module !== undefined) modules.delete(key);
  else module = tiers === 'baseline' && !TIERING_SET_BY_USER ? compileBaselineOnly(binary) : new WebAssembly.Module(binary);
  modules.set(key, module);
  if (modules.size > MAX_SHARED_MODULES) modules.delete(modules.keys().next().value as string);
  return module;
}

/**
 * BASELINE_ONLY are the V8 flags under which a module is compiled by the baseline compiler alone: every
 * function at once (not on its first call), and with neither dynamic nor eager tier-up. RESTORE sets
 * them back to V8's defaults. (`--liftoff-only` would do the same, but V8 reads the tier-up flags
 * again later, and through its flag implications it turns them off for the rest of the process; it
 * also changes the flags V8 checks a code cache against, so the CLI's code cache would be refused.)
 */
const BASELINE_ONLY = '--no-wasm-lazy-compilation --no-wasm-dynamic-tiering --no-wasm-tier-up';
const RESTORE = '--wasm-lazy-compilation --wasm-dynamic-tiering --wasm-tier-up';

/**
 * TIERING_SET_BY_USER says Node was started with WebAssembly tiering flags of its own (on its command
 * line or in NODE_OPTIONS). RESTORE would overwrite them with V8's defaults, so then no module is
 * switched to the baseline compiler: the user's choice holds for every module.
 */
const TIERING_SET_BY_USER = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((arg) =>
  /^--(no-)?(wasm-lazy-compilation|wasm-dynamic-tiering|wasm-tier-up|liftoff)/.test(arg.replaceAll('_', '-')),
);

/**
 * compileBaselineOnly compiles `binary` with V8's optimising compiler kept out, for this module alone.
 * Why: that compiler takes 0.1-0.3 s of a core for a scanner's large callback, in the background; a
 * scan of a few MB ends before it is done, and the process then waits for it before exiting. The
 * flags are process-wide: a module another worker thread creates at that very moment is
 * baseline-only too, which is slower but still correct.
 */
function compileBaselineOnly(binary: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  setFlagsFromString(BASELINE_ONLY);
  try {
    return new WebAssembly.Module(binary);
  } finally {
    setFlagsFromString(RESTORE);
  }
}
