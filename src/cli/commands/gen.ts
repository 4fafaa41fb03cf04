// `sluice gen`: writes the TPC-H-style tables or the sensors table.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { TpchFormat } from '../../datasets/tpch/generate.js';
import { TABLE_NAMES, type TableName } from '../../datasets/tpch/tables.js';
import { UsageError } from '../../util/errors.js';
import { oneOf, positiveInteger, positiveNumber } from '../options.js';
import { Progress } from '../progress.js';
import { formatCount } from '../../util/count.js';

/** registerGen adds `sluice gen tpch` and `sluice gen sensors`. */
export function registerGen(program: Command): void {
  const gen = program
    .command('gen')
    .description('generate datasets')
    .addHelpText('after', '\nExamples:\n  sluice gen tpch --sf 0.01\n  sluice gen sensors --rows 1000 --out /tmp/sensors');
  gen
    .command('tpch')
    .description('write the eight TPC-H-style tables (deterministic for a seed)')
    .requiredOption('--sf <scale>', 'scale factor (1 = 6M line items, ~770 MB of lineitem CSV)', positiveNumber)
    .option('--out <dir>', 'output directory', 'datasets/generated/tpch-sf<scale>')
    .option('--format <format>', 'csv (header, comma) or tbl (dbgen: "|", trailing "|")', oneOf<TpchFormat>('csv', 'tbl'), 'csv')
    .option('--tables <names>', `comma-separated subset of ${TABLE_NAMES.join(',')}`)
    .option('--seed <n>', 'random seed', positiveInteger, 19920101)
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', '\nExamples:\n  sluice gen tpch --sf 0.01\n  sluice gen tpch --sf 1 --tables lineitem --out /data/sf1\n  sluice gen tpch --sf 0.1 --format tbl')
    .action(async (options: { sf: number; out: string; format: TpchFormat; tables?: string; seed: number; json?: boolean }) => {
      const { generateTpch } = await import('../../datasets/tpch/generate.js');
      const outDir = options.out.replace('<scale>', String(options.sf));
      const progress = new Progress(`generating SF ${options.sf}`);
      const written = generateTpch({
        scaleFactor: options.sf,
        outDir,
        format: options.format,
        seed: options.seed,
        ...(options.tables ? { tables: parseTables(options.tables) } : {}),
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.done();
      if (options.json) {
        process.stdout.write(JSON.stringify({ scaleFactor: options.sf, outDir, tables: written }, null, 2) + '\n');
        return;
      }
      for (const table of written) {
        process.stdout.write(`${table.path}  ${formatCount(table.rows)} rows  ${(table.bytes / 1e6).toFixed(1)} MB\n`);
      }
    });
  gen
    .command('sensors')
    .description('write sensors.csv and sensors.schema (the "average some numbers" table)')
    .option('--rows <n>', 'number of readings', positiveInteger, 20000)
    .option('--out <dir>', 'output directory', 'datasets')
    .option('--seed <n>', 'random seed', positiveInteger, 2026)
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', '\nExamples:\n  sluice gen sensors --rows 1000000 --out /tmp/big\n  sluice gen sensors --rows 100 --out /tmp/small --json')
    .action(async (options: { rows: number; out: string; seed: number; json?: boolean }) => {
      const { writeSensors } = await import('../../datasets/sensors.js');
      mkdirSync(options.out, { recursive: true });
      const csv = join(options.out, 'sensors.csv');
      const schema = join(options.out, 'sensors.schema');
      writeSensors(csv, schema, options.rows, options.seed);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ csv, schema, rows: options.rows, seed: options.seed })}\n`);
        return;
      }
      process.stdout.write(`${csv}  ${formatCount(options.rows)} rows\n`);
    });
}

function parseTables(list: string): TableName[] {
  return list.split(',').map((name) => {
    const table = name.trim().toLowerCase();
    if (!(TABLE_NAMES as readonly string[]).includes(table)) {
      throw new UsageError(`unknown table "${name}" in --tables; expected some of ${TABLE_NAMES.join(', ')}`);
    }
    return table as TableName;
  });
}
