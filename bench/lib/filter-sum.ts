// The hand-written filter-sum program (examples/filter-sum.s) with what reads it: its answer in the state map, the same answer by csv-parse, and its input rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../src/asm/assembler.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { csvConsumer } from '../../src/storage/csv-consumer.js';
import type { ShipAllConsumer } from '../../src/storage/shipall.js';
import type { MapContents } from '../../src/storage/wire.js';
import { projectRoot } from '../../src/util/paths.js';

/** FilterSum is the answer of SELECT sum(S), count(*) WHERE F < T. */
export interface FilterSum {
  readonly sum: bigint;
  readonly count: bigint;
}

/** filterSumProgram assembles examples/filter-sum.s (F = 2, T = 50, S = 3). */
export function filterSumProgram(): ProgramSpec {
  return assemble(readFileSync(join(projectRoot(), 'examples', 'filter-sum.s'), 'utf8'), { file: 'examples/filter-sum.s', name: 'filter_sum', section: 'xdp' });
}

/** decodeFilterSum reads sum and count from the state map, refusing an answer the program flagged as malformed. */
export function decodeFilterSum(maps: readonly MapContents[]): FilterSum {
  const state = maps.find((m) => m.name === 'state');
  if (!state || state.entries.length !== 1) throw new Error('no state map in the result');
  const value = state.entries[0]![1];
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const malformed = view.getBigUint64(80, true);
  if (malformed !== 0n) throw new Error(`the program saw ${malformed} malformed bytes or rows`);
  return { sum: view.getBigInt64(56, true), count: view.getBigUint64(64, true) };
}

/** filterSumConsumer computes the same answer on the compute node from csv-parse records. */
export function filterSumConsumer(): ShipAllConsumer<FilterSum> {
  let sum = 0n;
  let count = 0n;
  return csvConsumer(
    { from_line: 2, skip_empty_lines: true },
    (record) => {
      if (BigInt(record[2]!) < 50n) {
        sum += BigInt(record[3]!);
        count += 1n;
      }
    },
    () => ({ sum, count }),
  );
}

/** ordersLines yields the header and `rows` deterministic rows of id,name,qty,price (a third of the names quoted, holding commas), each with its newline. */
export function* ordersLines(rows: number): Generator<string> {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  yield 'id,name,qty,price\n';
  for (let i = 1; i <= rows; i++) {
    const qty = (next() % 200) - 50;
    const price = (next() % 100000) - 1000;
    const name = next() % 3 === 0 ? `"Name ${i}, the ""${i % 7}th"""` : `name${i}`;
    yield `${i},${name},${qty},${price}\n`;
  }
}
