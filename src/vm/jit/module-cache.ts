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

/** sharedModule returns the module compiled from `binary`, compiling it only when the process does not hold it yet. */
export function sharedModule(binary: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  const key = createHash('sha256').update(binary).digest('hex');
  let module = modules.get(key);
  if (module !== undefined) modules.delete(key);
  else module = new WebAssembly.Module(binary);
  modules.set(key, module);
  if (modules.size > MAX_SHARED_MODULES) modules.delete(modules.keys().next().value as string);
  return module;
}
