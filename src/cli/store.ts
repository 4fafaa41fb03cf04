// Opens this user's store of verified programs and JIT code for a command (see storage/program-store.ts), unless --no-cache.
import { readFileSync } from 'node:fs';
import { defaultStoreDir, ProgramStore, type StorePlace } from '../storage/program-store.js';

/**
 * openStore returns the store in defaultStoreDir() for this build of Sluice, or undefined when
 * `enabled` is false, when the store cannot be used safely (ProgramStore.open), or when Sluice
 * runs from its sources: only `npm run build` writes the `build-id` file beside the bundled
 * command, the hash of its code that keeps other builds' records apart.
 */
export function openStore(enabled: boolean): ProgramStore | undefined {
  const place = storePlace(enabled);
  return place && ProgramStore.open(place.dir, place.build);
}

/** storePlace is where openStore's store is (its directory and this build's name), for worker-thread nodes that open it themselves. */
export function storePlace(enabled: boolean): StorePlace | undefined {
  if (!enabled) return undefined;
  try {
    return { dir: defaultStoreDir(), build: readFileSync(new URL('./build-id', import.meta.url), 'utf8').trim() };
  } catch {
    return undefined;
  }
}
