// A ship-all consumer that parses the streamed bytes with csv-parse and hands each record to a callback.
import { parse, type Options } from 'csv-parse';
import { StorageError } from './errors.js';
import type { ShipAllConsumer } from './shipall.js';

/**
 * csvConsumer parses the bytes it is given with csv-parse's streaming parser (`options` as
 * csv-parse takes them) and calls `onRecord` for every record as soon as it is complete;
 * `end` returns `result()` once the parser has seen the last byte. A CSV error rejects `end`
 * with a StorageError naming the line.
 */
export function csvConsumer<T>(
  options: Options,
  onRecord: (record: string[]) => void,
  result: () => T,
): ShipAllConsumer<T> {
  let failure: unknown;
  const parser = parse({
    ...options,
    on_record: (record: string[]) => {
      onRecord(record);
      return null;
    },
  });
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.resume();
  const finished = new Promise<void>((done) => parser.on('end', done).on('error', () => done()));
  return {
    write(bytes) {
      if (failure === undefined) parser.write(bytes);
    },
    async end() {
      parser.end();
      await finished;
      if (failure !== undefined) {
        throw new StorageError(`compute node: cannot parse the CSV stream: ${(failure as Error).message}`, { cause: failure });
      }
      return result();
    },
  };
}
