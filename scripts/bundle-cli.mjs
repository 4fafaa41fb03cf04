// Bundles the `sluice` command (src/cli/main.ts) into dist/bin/ with esbuild, one file per lazily loaded part.
// Run by `npm run build` after tsc: Node then resolves a handful of files at start-up instead of the whole tree,
// and a command loads only the chunks its action imports (see src/cli/commands/).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const OUT_DIR = 'dist/bin';

// Old chunks carry content hashes in their names; start clean so none is left behind.
rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  // The cluster's worker-thread body is an entry of its own: WorkerNode starts it as ./node-worker.js beside the chunk that holds WorkerNode.
  entryPoints: { sluice: 'src/cli/main.ts', 'node-worker': 'src/storage/node-worker.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies stay in node_modules: koffi is native, and commander and csv-parse are loaded as installed.
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// The build's identity for the store of verified programs (src/cli/store.ts): a hash of the code it runs, so a
// verdict or JIT code written by one build (another verifier, another JIT) is never read by another.
const buildHash = createHash('sha256');
for (const file of readdirSync(OUT_DIR).filter((name) => name.endsWith('.js')).sort()) buildHash.update(`${file}\0`).update(readFileSync(join(OUT_DIR, file)));
writeFileSync(join(OUT_DIR, 'build-id'), `${buildHash.digest('hex')}\n`);
