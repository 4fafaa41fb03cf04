// Streams TPC-H-style tables to CSV (with header) or dbgen .tbl files with bounded memory.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../util/errors.js';
import { formatDateDays } from '../../values/calendar.js';
import {
  COLUMN_NAMES,
  type Field,
  type Row,
  type Scale,
  type TableName,
  TABLE_NAMES,
  customerRows,
  nationRows,
  orderRows,
  partRows,
  partsuppRows,
  regionRows,
  scaleFor,
  supplierRows,
} from './tables.js';

/** TpchFormat selects CSV (comma, header row, quoted when needed) or dbgen's .tbl ('|', trailing '|', no header). */
export type TpchFormat = 'csv' | 'tbl';

/** GenerateOptions configures one generation run. */
export interface GenerateOptions {
  readonly scaleFactor: number;
  readonly outDir: string;
  readonly format?: TpchFormat;
  readonly seed?: number;
  readonly tables?: readonly TableName[];
  /** onProgress is called now and then with the rows written so far and the expected total. */
  readonly onProgress?: (rowsWritten: number, rowsExpected: number) => void;
}

/** GeneratedTable reports one written file. */
export interface GeneratedTable {
  readonly table: TableName;
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

const FLUSH_BYTES = 1 << 20;
const AVERAGE_LINES_PER_ORDER = 4;

/** generateTpch writes the requested tables (all eight by default) and returns what it wrote. */
export function generateTpch(options: GenerateOptions): GeneratedTable[] {
  const { scaleFactor, outDir } = options;
  if (!(scaleFactor > 0) || !Number.isFinite(scaleFactor)) {
    throw new SluiceError(`scale factor must be a positive number, got ${scaleFactor}`, { exitCode: 2 });
  }
  const format = options.format ?? 'csv';
  const seed = options.seed ?? 19920101;
  const wanted = new Set(options.tables ?? TABLE_NAMES);
  const scale = scaleFor(scaleFactor);
  mkdirSync(outDir, { recursive: true });

  const expected = expectedRows(scale, wanted);
  let written = 0;
  const tick = (n: number) => {
    written += n;
    if (written % 65536 < n) options.onProgress?.(written, expected);
  };

  const out: GeneratedTable[] = [];
  const simple: [TableName, () => Iterable<Row>][] = [
    ['region', () => regionRows(seed)],
    ['nation', () => nationRows(seed)],
    ['supplier', () => supplierRows(seed, scale)],
    ['customer', () => customerRows(seed, scale)],
    ['part', () => partRows(seed, scale)],
    ['partsupp', () => partsuppRows(seed, scale)],
  ];
  for (const [table, rows] of simple) {
    if (!wanted.has(table)) continue;
    const writer = new TableWriter(table, outDir, format);
    for (const row of rows()) {
      writer.write(row);
      tick(1);
    }
    out.push(writer.close());
  }
  if (wanted.has('orders') || wanted.has('lineitem')) {
    const orders = wanted.has('orders') ? new TableWriter('orders', outDir, format) : undefined;
    const lines = wanted.has('lineitem') ? new TableWriter('lineitem', outDir, format) : undefined;
    for (const { order, lines: items } of orderRows(seed, scale)) {
      orders?.write(order);
      if (lines) for (const item of items) lines.write(item);
      tick((orders ? 1 : 0) + (lines ? items.length : 0));
    }
    if (orders) out.push(orders.close());
    if (lines) out.push(lines.close());
  }
  options.onProgress?.(written, Math.max(written, expected));
  return out;
}

/** expectedRows estimates the rows a run writes (line items average 4 per order). */
export function expectedRows(scale: Scale, tables: ReadonlySet<TableName>): number {
  const counts: Record<TableName, number> = {
    region: 5,
    nation: 25,
    supplier: scale.suppliers,
    customer: scale.customers,
    part: scale.parts,
    partsupp: scale.parts * 4,
    orders: scale.orders,
    lineitem: scale.orders * AVERAGE_LINES_PER_ORDER,
  };
  let total = 0;
  for (const table of tables) total += counts[table];
  return total;
}

/** TableWriter buffers rows of one table and writes them to its file in large blocks. */
class TableWriter {
  private readonly fd: number;
  private readonly path: string;
  private pending: string[] = [];
  private pendingBytes = 0;
  private rows = 0;
  private bytes = 0;

  constructor(
    private readonly table: TableName,
    outDir: string,
    private readonly format: TpchFormat,
  ) {
    this.path = join(outDir, `${table}.${format}`);
    try {
      this.fd = openSync(this.path, 'w');
    } catch (error) {
      throw new SluiceError(`cannot write ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    if (format === 'csv') this.append(COLUMN_NAMES[table].join(',') + '\n');
  }

  write(row: Row): void {
    this.rows++;
    const fields = row.map((field) => formatField(field, this.format));
    this.append(this.format === 'csv' ? fields.join(',') + '\n' : fields.join('|') + '|\n');
  }

  close(): GeneratedTable {
    this.flush();
    closeSync(this.fd);
    return { table: this.table, path: this.path, rows: this.rows, bytes: this.bytes };
  }

  private append(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.bytes += writeSync(this.fd, this.pending.join(''), null, 'latin1');
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function formatField(field: Field, format: TpchFormat): string {
  if (typeof field === 'number') return String(field);
  if (typeof field === 'string') {
    if (format === 'csv' && /[",\n\r]/.test(field)) return `"${field.replaceAll('"', '""')}"`;
    return field;
  }
  if ('cents' in field) return formatCents(field.cents);
  return formatDateDays(field.days);
}

/** formatCents prints a fixed-point number of hundredths, e.g. -5 -> "-0.05". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
