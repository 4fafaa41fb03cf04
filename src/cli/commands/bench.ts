// `sluice bench`: runs the benchmark harness (dist/bench/main.js) with the given options.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SluiceError } from '../../util/errors.js';
import { projectRoot } from '../../util/paths.js';

/** registerBench adds `sluice bench`, which forwards its options to the harness. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks: engines on the anchor program, every query pushdown vs ship-all, scaling')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[options...]', 'harness options: --sf 0.01,0.1  --sf1  --engine jit  --chunk 4096  --passes 3  --anchor-mib 64  --skip-anchor  --out bench/results (--help lists them)')
    .addHelpText('after', '\nExamples:\n  sluice bench                      # SF 0.01 and 0.1, results in bench/results\n  sluice bench --sf1 --skip-anchor  # add scale factor 1\n  sluice bench --help               # the harness\'s own options')
    .action((args: string[]) => {
      const root = projectRoot();
      const harness = join(root, 'dist', 'bench', 'main.js');
      if (!existsSync(harness)) throw new SluiceError(`${harness} is missing: run \`npm run build\` first`);
      const child = spawnSync(process.execPath, [harness, ...args], { cwd: root, stdio: 'inherit' });
      if (child.status !== 0) throw new SluiceError(`the benchmark harness failed (exit ${child.status ?? child.signal})`);
    });
}
