// `sluice run`: attach a user's program at the storage hook over a file and show what it returned, printed and stored.
import type { Command } from 'commander';
import { parseSize } from '../../net/units.js';
import type { InspectResult } from '../../storage/inspect.js';
import type { EngineName } from '../../vm/engine.js';
import { DEFAULT_TRACE_BYTES } from '../../vm/runtime.js';
import { CACHE_HELP, existingFile, oneOf, positiveInteger, unitsOption, DEFAULT_CHUNK } from '../options.js';

interface RunCliOptions {
  file: string;
  section?: string;
  chunk: number;
  engine: EngineName;
  entries: number;
  json?: boolean;
  cache: boolean;
}

/** registerRun adds `sluice run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('attach a program at the storage node\'s hook over a file; print its return values, maps and trace output')
    .argument('<program>', 'ELF object (.o), raw bytecode (.bin) or assembly (.s)')
    .requiredOption('--file <data>', 'the file the storage node reads through the hook')
    .option('--section <name>', 'ELF program section or function name')
    .addOption(unitsOption('--chunk <bytes>', 'bytes per copy_out call (1 B .. 64 KiB)', parseSize, DEFAULT_CHUNK))
    .option('--engine <name>', 'jit, interpreter, or kernel (Linux itself through bpf(), as root; chunks of at most 3520 bytes)', oneOf<EngineName>('jit', 'interpreter', 'kernel'), 'jit')
    .option('--entries <n>', 'map entries to print per map', positiveInteger, 20)
    .option('--json', 'print everything as JSON (keys and values as hex)')
    .option('--no-cache', CACHE_HELP)
    .addHelpText('after', '\nExamples:\n  sluice run examples/filter-sum.s --file test/fixtures/storage/people.csv\n  sluice run ../shared/anchors/csv.bpf.o --file datasets/sensors.csv --chunk 3520\n  sluice run test/fixtures/storage/count-lines.s --file datasets/sensors.csv --json')
    .action(async (file: string, options: RunCliOptions) => {
      // Loaded when `run` runs, so that other commands and --help do not pay for the storage node and engines.
      const [{ inspectRun }, { loadProgramFile }, { openStore }] = await Promise.all([import('../../storage/inspect.js'), import('../program-input.js'), import('../store.js')]);
      const spec = loadProgramFile(file, options.section);
      const store = openStore(options.cache);
      const result = await inspectRun({ spec, file: existingFile(options.file, 'data file'), chunkBytes: options.chunk, engine: options.engine, ...(store && { store }) });
      process.stdout.write(options.json ? `${JSON.stringify(asJson(result))}\n` : asText(file, options, result));
    });
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** u64s shows a value as little-endian unsigned 64-bit words when its size allows it. */
function u64s(bytes: Uint8Array): string {
  if (bytes.length % 8 !== 0 || bytes.length > 128) return '';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: string[] = [];
  for (let at = 0; at < bytes.length; at += 8) words.push(view.getBigUint64(at, true).toString());
  return `  (u64: ${words.join(' ')})`;
}

function asText(program: string, options: RunCliOptions, r: InspectResult): string {
  const c = r.counts;
  const lines = [
    `${program} over ${options.file}: ${r.fileBytes} bytes in ${c.chunks} chunk${c.chunks === 1 ? '' : 's'} of up to ${options.chunk} bytes, ${c.calls} calls (the last one the empty end-of-file chunk)`,
    `${c.instructions} eBPF instructions, ${(c.cpuSeconds * 1000).toFixed(1)} ms on the ${options.engine}; ${c.droppedBytes} bytes consumed (XDP_DROP), ${c.passedBytes} copied`,
    `${r.verifiedFromCache ? 'verified (cached)' : 'verified'} and loaded in ${(r.loadSeconds * 1000).toFixed(1)} ms`,
    '',
    'return values (r0: calls)',
    ...[...r.returns].map(([value, count]) => `  ${value} (0x${value.toString(16)}): ${count}`),
  ];
  for (const map of r.maps) {
    lines.push('', `map ${map.name} (${map.type}, key ${map.keySize} B, value ${map.valueSize} B): ${map.entries.length} entries`);
    for (const [key, value] of map.entries.slice(0, options.entries)) lines.push(`  ${hex(key)} => ${hex(value)}${u64s(value)}`);
    if (map.entries.length > options.entries) lines.push(`  ... ${map.entries.length - options.entries} more (--entries)`);
  }
  if (r.trace.length > 0) lines.push('', 'trace output', ...r.trace.map((line) => `  ${line}`));
  if (r.counts.traceDropped > 0) {
    lines.push(`  ... ${r.counts.traceDropped} more lines dropped: a tenant keeps at most ${DEFAULT_TRACE_BYTES} bytes of trace output`);
  }
  return `${lines.join('\n')}\n`;
}

function asJson(r: InspectResult): object {
  return {
    fileBytes: r.fileBytes,
    counts: r.counts,
    returns: Object.fromEntries(r.returns),
    maps: r.maps.map((m) => ({ ...m, entries: m.entries.map(([k, v]) => [hex(k), hex(v)]) })),
    trace: r.trace,
  };
}
