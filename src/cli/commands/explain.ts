// `sluice explain` and `sluice compile`: show or export the eBPF program a query compiles to.
import type { Command } from 'commander';
import { parseSize } from '../../net/units.js';
import { unitsOption, DEFAULT_CHUNK } from '../options.js';

interface CompileCliOptions {
  data?: string;
  chunk: number;
  json?: boolean;
}

/** registerExplain adds `sluice explain` and `sluice compile`. */
export function registerExplain(program: Command): void {
  // The compiler is loaded when one of these commands runs, not for every command and --help.
  const compileFor = async (sql: string, options: CompileCliOptions) => {
    const [{ prepareQuery }, { catalogFor, readQuery }, artifact] = await Promise.all([
      import('../../engine/execute.js'),
      import('../query-input.js'),
      import('../../engine/artifact.js'),
    ]);
    const query = readQuery(sql);
    // A join's build sides run first (by pushdown, on a local storage node): their rows decide the probe program's maps.
    const prepared = await prepareQuery({ sql: query.sql, queryFile: query.file, catalog: catalogFor(options.data), chunkBytes: options.chunk, onError: 'stop', engine: 'jit', link: {} });
    return { ...prepared, ...artifact };
  };
  program
    .command('explain')
    .description('show the plan, the maps, the verifier statistics and the commented eBPF program of a query')
    .argument('<sql>', 'SQL text, or the path of a .sql file')
    .option('--data <dir>', 'directory of tables (default: datasets/ and the TPC-H SF 0.01 set)')
    .addOption(unitsOption('--chunk <bytes>', 'largest chunk the program must scan', parseSize, DEFAULT_CHUNK))
    .option('--json', 'print the compiled artifact as JSON (as `sluice compile --json`) with the plan text')
    .addHelpText('after', '\nExamples:\n  sluice explain queries/tpch-q6.sql\n  sluice explain "select avg(temperature) from sensors"')
    .action(async (sql: string, options: CompileCliOptions) => {
      const { plan, compiled, compiledArtifact, explainText } = await compileFor(sql, options);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ plan: explainText(plan, compiled), artifact: compiledArtifact(compiled) }, null, 2)}\n`);
        return;
      }
      process.stdout.write(explainText(plan, compiled));
    });
  program
    .command('compile')
    .description('compile a query to eBPF and print the program as a machine-readable artifact')
    .argument('<sql>', 'SQL text, or the path of a .sql file')
    .option('--data <dir>', 'directory of tables (default: datasets/ and the TPC-H SF 0.01 set)')
    .addOption(unitsOption('--chunk <bytes>', 'largest chunk the program must scan (3520 fits a Linux XDP test run)', parseSize, DEFAULT_CHUNK))
    .option('--json', 'print JSON: bytecode (hex), maps, map references, context, verifier statistics')
    .addHelpText('after', '\nExamples:\n  sluice compile queries/tpch-q1.sql --json > q1.json\n  sluice compile queries/tpch-q6.sql --chunk 3520 --json')
    .action(async (sql: string, options: CompileCliOptions) => {
      const { compiled, compiledArtifact } = await compileFor(sql, options);
      const artifact = compiledArtifact(compiled);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(artifact, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${artifact.bytecode.replace(/(.{16})/g, '$1\n')}`);
    });
}
