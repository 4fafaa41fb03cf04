// Runs a bundled CommonJS file through V8 with a code cache kept in a store: the CLI's launcher and the cluster's worker threads start without parsing and compiling their code again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { Script } from 'node:vm';

/** CodeCacheStore is where code caches are kept: this user's program store (storage/program-store.ts), or anything with its get and put. */
export interface CodeCacheStore {
  get(kind: 'v8', key: string): Uint8Array | undefined;
  put(kind: 'v8', key: string, payload: Uint8Array): void;
}

/** CachedScript is a bundle that has run: its exports, and how to keep the code it compiled for the next run. */
export interface CachedScript<T> {
  readonly exports: T;
  /**
   * save writes V8's code cache of the bundle, with every function compiled so far (so call it after
   * the work, not before), when the store had none or V8 rejected the one it had; at most once.
   */
  save(): void;
}

/**
 * runCachedScript evaluates the CommonJS file `bundle` (absolute path) in this thread with Node's
 * own module wrapper, so that it sees require, module and __filename, taking V8's code cache from
 * `store` under a key naming the Node version, the architecture, the bundle's file name and `use`
 * (one cache per use, e.g. per command: each holds the functions that use compiled). V8 checks that a
 * cache belongs to the same source and rejects it otherwise; the store's records are kept per build.
 */
export function runCachedScript<T>(bundle: string, use: string, store: CodeCacheStore | undefined): CachedScript<T> {
  const source = readFileSync(bundle, 'utf8');
  const key = createHash('sha256').update(`v8 ${process.version} ${process.arch}\0${basename(bundle)}\0${use}`).digest('hex');
  const cachedData = store?.get('v8', key);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData && { cachedData: Buffer.from(cachedData) }),
  });
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  let saved = false;
  return {
    exports: module.exports,
    save() {
      if (saved || !store || (cachedData && !script.cachedDataRejected)) return;
      saved = true;
      store.put('v8', key, script.createCachedData());
    },
  };
}
