#!/usr/bin/env node
// Entry point of the `sluice` command (dist/bin/sluice.cjs, CommonJS so that Node never sets up its ES module loader): runs the bundled CLI (main.cjs) through V8 with a code cache kept in the user's program store.
import { fileURLToPath } from 'node:url';
import { runCachedScript } from '../util/cached-script.js';
import { openStore } from './store.js';

// One code cache per command: each holds the functions its command compiled.
const cli = runCachedScript<{ runCli(argv: readonly string[]): Promise<void> }>(
  fileURLToPath(new URL('./main.cjs', import.meta.url)),
  process.argv[2] ?? '',
  openStore(!process.argv.includes('--no-cache')),
);
// A CommonJS file has no top-level await: runCli reports its own errors and sets process.exitCode.
void cli.exports.runCli(process.argv).then(() => {
  // Only a command that ran to success leaves a cache (a mistyped command name would otherwise leave one of its own).
  if (process.exitCode === undefined || process.exitCode === 0) cli.save();
});
