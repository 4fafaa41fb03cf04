// `sluice plugin`: runs one program the way bpf_conformance drives a plugin (stdin program, argv memory, r0 in hex).
import type { Command } from 'commander';
import { ENGINE_NAMES } from '../../vm/engine.js';
import { oneOf } from '../options.js';

/** registerPlugin adds `sluice plugin [memory...] [--engine NAME]`. */
export function registerPlugin(program: Command): void {
  program
    .command('plugin')
    .description('run eBPF bytecode from stdin (hex bytes or raw 8-byte slots) as a bpf_conformance plugin; prints r0 in hex')
    .argument('[memory...]', 'memory passed in r1 (length in r2), as hex bytes: "aa bb cc"')
    .option('--engine <name>', `engine to run on: ${ENGINE_NAMES.join(', ')}`, oneOf(...ENGINE_NAMES), 'interpreter')
    .addHelpText(
      'after',
      '\nExamples:\n  echo "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00" | sluice plugin\n' +
        '  sluice plugin --engine jit "11 22 33 44" < program.hex\n' +
        '  bpf_conformance_runner --plugin_path ./sluice-plugin.sh  (a script running `sluice plugin "$@"`)',
    )
    .action(async (memory: string[], options: { engine: string }) => {
      const [{ engineByName }, { hexText, programBytes, runPlugin }] = await Promise.all([import('../../vm/engines.js'), import('../../vm/plugin.js')]);
      const engine = engineByName(options.engine)!;
      const program = programBytes(await readStdin());
      const r0 = runPlugin(engine, program, hexText(memory.join(' '), 'memory argument'));
      process.stdout.write(`${r0}\n`);
    });
}

async function readStdin(): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}
