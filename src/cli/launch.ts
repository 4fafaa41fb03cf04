#!/usr/bin/env node
// Entry point of the `sluice` command: runs the bundled CLI (main.cjs) through V8 with a code cache kept in the user's program store.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { openStore } from './store.js';

const bundle = fileURLToPath(new URL('./main.cjs', import.meta.url));
const source = readFileSync(bundle, 'utf8');
// One code cache per command: each holds the functions its command compiled.
const store = openStore(!process.argv.includes('--no-cache'));
const key = createHash('sha256').update(`v8 ${process.version} ${process.arch}\0${process.argv[2] ?? ''}`).digest('hex');
const cachedData = store?.get('v8', key);
// The CommonJS wrapper Node itself puts around a module, so that the bundle sees require, module and __filename.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  ...(cachedData && { cachedData: Buffer.from(cachedData) }),
});
const module = { exports: {} as { runCli(argv: readonly string[]): Promise<void> } };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
await module.exports.runCli(process.argv);
// Only a command that ran to success leaves a cache (a mistyped command name would otherwise leave one of its own).
const succeeded = process.exitCode === undefined || process.exitCode === 0;
if (store && succeeded && (!cachedData || script.cachedDataRejected)) store.put('v8', key, script.createCachedData());
