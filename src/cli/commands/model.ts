// `sluice model`: project pushdown against ship-all for a data-centre cluster from per-core rates measured here.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseRate, parseSize } from '../../net/units.js';
import { crossoverNodes, DEFAULT_CLUSTER, formatModel, project, type ClusterShape } from '../../report/scale-model.js';
import { UsageError } from '../../util/errors.js';
import { positiveInteger, unitsOption } from '../options.js';
import { PAGE_BYTES } from '../../storage/page-cache.js';

interface ModelCliOptions {
  data?: string;
  config?: string;
  nodes?: number;
  devices?: number;
  deviceRate?: number;
  cores?: number;
  nic?: number;
  computeCores?: number;
  computeNic?: number;
  tableSize?: number;
  json?: boolean;
}

/** registerModel adds `sluice model`. */
export function registerModel(program: Command): void {
  program
    .command('model')
    .description('project pushdown vs ship-all at data-centre scale from per-core rates measured on this machine')
    .argument('[sql]', 'SQL text or .sql file whose rates are measured', 'queries/tpch-q6.sql')
    .option('--data <dir>', 'directory of tables to measure on (default: the TPC-H SF 0.01 set)')
    .option('--config <file.json>', 'cluster shape as JSON: nodes, devicesPerNode, deviceBytesPerSecond, coresPerNode, nodeNicBytesPerSecond, computeCores, computeNicBytesPerSecond, tableBytes')
    .option('--nodes <n>', `storage nodes (default ${DEFAULT_CLUSTER.nodes})`, positiveInteger)
    .option('--devices <n>', `SSDs per storage node (default ${DEFAULT_CLUSTER.devicesPerNode})`, positiveInteger)
    .addOption(unitsOption('--device-rate <rate>', 'bandwidth of one SSD, e.g. 16gbit (2 GB/s)', parseRate, '16gbit'))
    .option('--cores <n>', `cores per storage node (default ${DEFAULT_CLUSTER.coresPerNode})`, positiveInteger)
    .addOption(unitsOption('--nic <rate>', "each storage node's NIC", parseRate, '128gbit'))
    .option('--compute-cores <n>', `compute node cores (default ${DEFAULT_CLUSTER.computeCores})`, positiveInteger)
    .addOption(unitsOption('--compute-nic <rate>', "the compute node's NIC", parseRate, '128gbit'))
    .addOption(unitsOption('--table-size <bytes>', 'table size, e.g. 10TB', parseSize, '10TB'))
    .option('--json', 'print the rates and projections as JSON')
    .addHelpText('after', `\nExamples:\n  sluice model\n  sluice model queries/tpch-q1.sql --nodes 64 --compute-nic 400gbit\n  sluice model --config cluster.json --json`)
    .action(async (sql: string, options: ModelCliOptions) => {
      // Loaded here, not at the top, so that other commands and --help do not pay for the query engine.
      const [{ measureRates }, { catalogFor, readQuery }] = await Promise.all([import('../../engine/rates.js'), import('../query-input.js')]);
      const query = readQuery(sql);
      const fromFile = options.config ? readShape(options.config) : {};
      const shape: ClusterShape = {
        ...DEFAULT_CLUSTER,
        ...fromFile,
        ...(options.nodes && { nodes: options.nodes }),
        ...(options.devices && { devicesPerNode: options.devices }),
        ...(options.deviceRate && { deviceBytesPerSecond: options.deviceRate / 8 }),
        ...(options.cores && { coresPerNode: options.cores }),
        ...(options.nic && { nodeNicBytesPerSecond: options.nic / 8 }),
        ...(options.computeCores && { computeCores: options.computeCores }),
        ...(options.computeNic && { computeNicBytesPerSecond: options.computeNic / 8 }),
        ...(options.tableSize && { tableBytes: options.tableSize }),
      };
      const rates = await measureRates({ sql: query.sql, queryFile: query.file, catalog: catalogFor(options.data), engine: 'jit', chunkBytes: PAGE_BYTES, link: {}, onError: 'stop' });
      const projections = project(shape, rates);
      const paths = projections.slice(1).map((p) => p.path);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ shape, rates, projections, crossoverNodes: Object.fromEntries(paths.map((p) => [p, crossoverNodes(shape, rates, p) ?? null])) })}\n`);
        return;
      }
      const lines = formatModel(shape, rates);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** readShape reads a --config file: a JSON object of ClusterShape fields, each a positive number; anything else is a usage error naming the file and field. */
function readShape(file: string): Partial<ClusterShape> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ? `cannot read it (${(error as NodeJS.ErrnoException).code})` : `not valid JSON (${(error as Error).message})`;
    throw new UsageError(`--config ${file}: ${reason}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${file}: expected a JSON object of cluster fields`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in DEFAULT_CLUSTER)) throw new UsageError(`--config ${file}: unknown field '${key}' (fields: ${Object.keys(DEFAULT_CLUSTER).join(', ')})`);
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new UsageError(`--config ${file}: '${key}' must be a positive number, got ${JSON.stringify(value)}`);
  }
  return parsed as Partial<ClusterShape>;
}
