// Reads a row selection's answer after the scan: the recorded error, or the returned records as the result table.
import type { Plan } from '../sql/plan.js';
import { finalizeRows } from '../sql/row-result.js';
import type { ResultTable } from '../sql/result.js';
import type { Value } from '../values/types.js';
import { OutputBuffer } from '../storage/hook-context.js';
import type { Layout } from './layout.js';
import { decodeRecords, type RowRecord } from './output-rows.js';
import { readAnswer, throwRecordedError, type MapReader } from './read-maps.js';
import { TOP_MAP, readTopRows, type TopHeap } from './top-rows.js';

/** RowsAnswer is what one scan of a row selection returned: its ScanAnswer's error fields, counters and rows in file order. */
export interface RowsAnswer {
  readonly answer: ReturnType<typeof readAnswer>;
  readonly rows: Value[][];
}

/** readRows reads one scan's state and returned records (from the output buffer, or from the top-N heap in file order). */
export function readRows(layout: Layout, record: RowRecord, read: MapReader, heap?: TopHeap): RowsAnswer {
  const rows = heap === undefined ? decodeRecords(record, read(OutputBuffer.mapName)) : readTopRows(heap, read(TOP_MAP)).rows;
  return { answer: readAnswer(layout, read, false), rows };
}

/** decodeRows turns one scan's maps into the result, or throws the error the program recorded. */
export function decodeRows(plan: Plan, layout: Layout, record: RowRecord, read: MapReader, file: string, heap?: TopHeap): ResultTable {
  const { answer, rows } = readRows(layout, record, read, heap);
  throwRecordedError(plan, answer, file, 0);
  return finalizeRows(plan, rows, Number(answer.skipped));
}
