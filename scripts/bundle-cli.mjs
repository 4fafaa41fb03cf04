// Bundles the `sluice` command into dist/bin/ with esbuild: a small launcher, the CLI in one CommonJS file, and the cluster's worker.
// Run by `npm run build` after tsc. The launcher (src/cli/launch.ts, dist/bin/sluice.js) runs main.cjs through V8 with a
// code cache from the user's program store, so a command neither parses nor compiles the CLI's code again; commands
// still evaluate only the modules their action imports (see src/cli/commands/).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const OUT_DIR = 'dist/bin';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The launcher and the worker load their dependencies from node_modules (main.cjs bundles its own, below).
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

rmSync(OUT_DIR, { recursive: true, force: true });
await Promise.all([
  // The launcher and the cluster's worker-thread body (WorkerNode starts it as ./node-worker.js beside the CLI) stay ES modules.
  build({ ...common, entryPoints: { sluice: 'src/cli/launch.ts', 'node-worker': 'src/storage/node-worker.ts' }, outdir: OUT_DIR, format: 'esm' }),
  // V8 takes a code cache for a script, not for an ES module: the CLI is one CommonJS file, and
  // import.meta.url becomes that file's URL (paths.ts, store.ts and worker-node.ts find files beside it).
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: join(OUT_DIR, 'main.cjs'),
    format: 'cjs',
    // commander and csv-parse are plain JavaScript: inside the bundle they share its code cache instead of being
    // resolved and compiled from node_modules by every command. koffi is native and DuckDB optional: they stay outside.
    packages: undefined,
    external: ['koffi', '@duckdb/node-api'],
    // A script run through vm has no loader for import(): every dynamic import becomes a require.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': 'import_meta_url' },
    banner: { js: 'const import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  }),
]);

// The build's identity for the program store (src/cli/store.ts): a hash of the code it runs, so a verdict,
// JIT code or code cache written by one build (another verifier, another JIT) is never read by another.
const buildHash = createHash('sha256');
for (const file of readdirSync(OUT_DIR).filter((name) => /\.c?js$/.test(name)).sort()) buildHash.update(`${file}\0`).update(readFileSync(join(OUT_DIR, file)));
writeFileSync(join(OUT_DIR, 'build-id'), `${buildHash.digest('hex')}\n`);
