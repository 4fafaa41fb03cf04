// `sluice serve`: run one cluster storage node as an HTTP/1.1 server over a data directory.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseSize } from '../../net/units.js';
import { UsageError } from '../../util/errors.js';
import type { EngineName } from '../../vm/engine.js';
import { CACHE_HELP, oneOf, positiveInteger, unitsOption, DEFAULT_CHUNK } from '../options.js';

interface ServeCliOptions {
  data: string;
  port: number;
  host: string;
  engine: EngineName;
  chunk: number;
  devices: number;
  cache: boolean;
}

/** registerServe adds `sluice serve`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run a storage node as an HTTP/1.1 server: compute nodes send programs with `sluice query --nodes http://host:port,...`')
    .requiredOption('--data <dir>', 'directory of tables the node serves (paths outside it are refused)')
    .option('--port <n>', 'TCP port to listen on (0 picks a free one)', (text: string) => (text === '0' ? 0 : positiveInteger(text)), 7070)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--engine <name>', 'eBPF engine: jit or interpreter', oneOf<EngineName>('jit', 'interpreter'), 'jit')
    .addOption(unitsOption('--chunk <bytes>', 'bytes per copy_out call at the hook (must not exceed the query\'s --chunk)', parseSize, DEFAULT_CHUNK))
    .option('--devices <n>', 'SSDs in the storage node (3.5 GB/s, 80 µs each)', positiveInteger, 1)
    .option('--no-cache', CACHE_HELP)
    .addHelpText(
      'after',
      `
Examples:
  sluice serve --data /tmp/sf1 --port 7001 &
  sluice serve --data /tmp/sf1 --port 7002 &
  sluice query queries/tpch-q6.sql --data /tmp/sf1 --nodes http://127.0.0.1:7001,http://127.0.0.1:7002`,
    )
    .action(async (options: ServeCliOptions) => {
      if (!existsSync(options.data) || !statSync(options.data).isDirectory()) throw new UsageError(`--data ${options.data} is not a directory`);
      // Loaded here, not at the top, so that other commands and --help do not load the HTTP server.
      const [{ startNodeServer }, { storePlace }] = await Promise.all([import('../../storage/node-server.js'), import('../store.js')]);
      // The user's program store, as `sluice query` uses it: a program verified before (here, by an earlier server, or by a
      // local query) is not verified again, and its JIT code is reused; the reply's numbers say `verifyCached`.
      const store = storePlace(options.cache);
      const server = await startNodeServer({
        config: { dataDir: resolve(options.data), chunkBytes: options.chunk, engine: options.engine, devices: { count: options.devices }, link: {}, ...(store && { store }) },
        port: options.port,
        host: options.host,
      });
      process.stdout.write(`storage node serving ${resolve(options.data)} on http://${options.host}:${server.port}\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
