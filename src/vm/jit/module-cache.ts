// The compiled WebAssembly modules of one process, shared by every load of the same module bytes (and with them V8's optimised code).
import { createHash } from 'node:crypto';

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
 * ModuleExchange shares compiled modules between the threads of a process (each thread has its own
 * `modules`): `take` returns a module another thread compiled from bytes with this SHA-256, if any
 * (it may wait while another thread compiles them), and `offer` hands one this thread compiled to the
 * others. Instances in every thread then run one module's code, and V8 optimises its hot functions once.
 */
export interface ModuleExchange {
  take(key: string): WebAssembly.Module | undefined;
  offer(key: string, module: WebAssembly.Module): void;
}

let exchange: ModuleExchange | undefined;

/** shareModulesThrough makes sharedModule ask `through` before compiling, and offer it what it compiles. */
export function shareModulesThrough(through: ModuleExchange | undefined): void {
  exchange = through;
}

/** sharedModule returns the module compiled from `binary`, compiling it only when neither this thread nor the exchange holds it yet. */
export function sharedModule(binary: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  const key = createHash('sha256').update(binary).digest('hex');
  let module = modules.get(key);
  if (module !== undefined) modules.delete(key);
  else {
    module = exchange?.take(key);
    if (module === undefined) {
      module = new WebAssembly.Module(binary);
      exchange?.offer(key, module);
    }
  }
  modules.set(key, module);
  if (modules.size > MAX_SHARED_MODULES) modules.delete(modules.keys().next().value as string);
  return module;
}
