// Bundles the `sluice` command into dist/bin/ with esbuild: a small launcher, the CLI in one CommonJS file, and the cluster's worker.
// Run by `npm run build` after tsc. The launcher (src/cli/launch.ts, dist/bin/sluice.cjs) runs main.cjs through V8 with a
// code cache from the user's program store, so a command neither parses nor compiles the CLI's code again; commands
// still evaluate only the modules their action imports (see src/cli/commands/). A cluster node's worker thread starts the
// same way: dist/bin/node-worker.cjs (src/cli/node-worker-launch.ts) runs worker-body.cjs with a code cache of its own.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const OUT_DIR = 'dist/bin';
// V8 takes a code cache for a script, not for an ES module: the CLI and the cluster node's code are CommonJS files, run
// through vm.Script by their launchers (src/util/cached-script.ts), and import.meta.url becomes the file's URL
// (paths.ts, store.ts and worker-node.ts find files beside it). The launchers are CommonJS too: an ES module entry would
// make Node set up its ES module loader (several milliseconds) before running a line.
const script = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  format: 'cjs',
  // commander and csv-parse are plain JavaScript: inside the bundle they share its code cache instead of being
  // resolved and compiled from node_modules by every command. koffi is native and DuckDB optional: they stay outside.
  external: ['koffi', '@duckdb/node-api'],
  // A script run through vm has no loader for import(): every dynamic import becomes a require.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: 'const import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
};

rmSync(OUT_DIR, { recursive: true, force: true });
await Promise.all([
  // The command's launcher (package.json's bin) and the cluster's worker-thread entry (WorkerNode starts ./node-worker.cjs
  // beside main.cjs) are CommonJS, so that neither a command nor a worker thread sets up Node's ES module loader (~5 ms each).
  build({ ...script, entryPoints: ['src/cli/launch.ts'], outfile: join(OUT_DIR, 'sluice.cjs') }),
  build({ ...script, entryPoints: ['src/cli/node-worker-launch.ts'], outfile: join(OUT_DIR, 'node-worker.cjs') }),
  build({ ...script, entryPoints: ['src/cli/main.ts'], outfile: join(OUT_DIR, 'main.cjs') }),
  build({ ...script, entryPoints: ['src/storage/worker-body.ts'], outfile: join(OUT_DIR, 'worker-body.cjs') }),
]);

// The build's identity for the program store (src/cli/store.ts): a hash of the code it runs, so a verdict,
// JIT code or code cache written by one build (another verifier, another JIT) is never read by another.
const buildHash = createHash('sha256');
for (const file of readdirSync(OUT_DIR).filter((name) => /\.c?js$/.test(name)).sort()) buildHash.update(`${file}\0`).update(readFileSync(join(OUT_DIR, file)));
writeFileSync(join(OUT_DIR, 'build-id'), `${buildHash.digest('hex')}\n`);
