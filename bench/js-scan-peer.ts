// The hand-written JavaScript loop as a whole-process peer of `sluice run csv.bpf.o --file F --chunk N`: same file, same chunks, same answer.
// `node dist/bench/js-scan-peer.js --file F --chunk 3520`: reads the file, runs the anchor's scan (bench/lib/js-scan.ts) on every
// chunk of N bytes as the storage node cuts them, and prints each return value with how many chunks returned it, then the totals.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { positiveInteger } from '../src/util/option-values.js';
import { jsScan } from './lib/js-scan.js';

const options = new Command('js-scan-peer')
  .requiredOption('--file <csv>', 'the CSV file (rows INT,DEC,DATE, as the anchor generator writes them)')
  .option('--chunk <bytes>', 'bytes per chunk, cut at multiples of it as the storage node does (at most 3520, the program\'s scan limit)', positiveInteger, 4096)
  .parse()
  .opts<{ file: string; chunk: number }>();

const chunk = options.chunk;
const data = new Uint8Array(readFileSync(options.file));
// The node's cuts, and its empty end-of-file call (csv_scan returns the fold of nothing there: 0).
const cuts = Math.ceil(data.length / chunk);
const offsets = new Uint32Array(cuts + 2);
for (let k = 0; k <= cuts; k++) offsets[k] = Math.min(k * chunk, data.length);
offsets[cuts + 1] = data.length;
const returns = new Map<number, number>();
const totals = jsScan({ data, offsets }, (value) => returns.set(value, (returns.get(value) ?? 0) + 1));
const lines = [`${options.file}: ${data.length} bytes in ${cuts} chunks of up to ${chunk} bytes, ${cuts + 1} calls`, '', 'return values (u32: calls)'];
for (const [value, count] of returns) lines.push(`  ${value} (0x${value.toString(16)}): ${count}`);
lines.push('', `sum of return values ${totals.foldSum}, rows kept ${totals.rows}, their sum x100 ${totals.sum}`);
process.stdout.write(`${lines.join('\n')}\n`);
