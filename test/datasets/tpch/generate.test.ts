// Checks the TPC-H-style generator: determinism, cardinalities, value domains and both file formats.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateDays } from '../../../src/values/calendar.js';
import { formatCents, generateTpch } from '../../../src/datasets/tpch/generate.js';
import { retailPriceCents, supplierOf } from '../../../src/datasets/tpch/tables.js';

const SF = 0.002;
let dir: string;
let rows: Record<string, Record<string, string>[]>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-tpch-'));
  generateTpch({ scaleFactor: SF, outDir: join(dir, 'csv') });
  generateTpch({ scaleFactor: SF, outDir: join(dir, 'tbl'), format: 'tbl', tables: ['lineitem', 'orders'] });
  rows = {};
  for (const table of ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem']) {
    rows[table] = parse(readFileSync(join(dir, 'csv', `${table}.csv`)), { columns: true });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const day = (text: string) => Math.round(Date.parse(`${text}T00:00:00Z`) / 86_400_000);
const cents = (text: string) => Math.round(Number(text) * 100);

describe('generateTpch', () => {
  it('writes the specification cardinalities for the scale factor', () => {
    expect(rows.region).toHaveLength(5);
    expect(rows.nation).toHaveLength(25);
    expect(rows.supplier).toHaveLength(20);
    expect(rows.customer).toHaveLength(300);
    expect(rows.part).toHaveLength(400);
    expect(rows.partsupp).toHaveLength(1600);
    expect(rows.orders).toHaveLength(3000);
    const perOrder = rows.lineitem!.length / rows.orders!.length;
    expect(perOrder).toBeGreaterThan(3.5);
    expect(perOrder).toBeLessThan(4.5);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = join(dir, 'again');
    const other = join(dir, 'other');
    generateTpch({ scaleFactor: SF, outDir: again, tables: ['lineitem'] });
    generateTpch({ scaleFactor: SF, outDir: other, tables: ['lineitem'], seed: 7 });
    const first = readFileSync(join(dir, 'csv', 'lineitem.csv'));
    expect(readFileSync(join(again, 'lineitem.csv')).equals(first)).toBe(true);
    expect(readFileSync(join(other, 'lineitem.csv')).equals(first)).toBe(false);
  });

  it('keeps line item values inside their domains and consistent with orders and parts', () => {
    const orders = new Map(rows.orders!.map((o) => [o.o_orderkey, o]));
    const suppliers = rows.supplier!.length;
    for (const line of rows.lineitem!) {
      const order = orders.get(line.l_orderkey!)!;
      expect(order).toBeDefined();
      const quantity = Number(line.l_quantity);
      expect(quantity).toBeGreaterThanOrEqual(1);
      expect(quantity).toBeLessThanOrEqual(50);
      expect(cents(line.l_extendedprice!)).toBe(quantity * retailPriceCents(Number(line.l_partkey)));
      expect(cents(line.l_discount!)).toBeLessThanOrEqual(10);
      expect(cents(line.l_tax!)).toBeLessThanOrEqual(8);
      const ship = day(line.l_shipdate!);
      const ordered = day(order.o_orderdate!);
      expect(ship - ordered).toBeGreaterThanOrEqual(1);
      expect(ship - ordered).toBeLessThanOrEqual(121);
      expect(day(line.l_receiptdate!) - ship).toBeGreaterThanOrEqual(1);
      const received = day(line.l_receiptdate!) <= day('1995-06-17');
      expect(received ? ['R', 'A'] : ['N']).toContain(line.l_returnflag);
      expect(line.l_linestatus).toBe(ship > day('1995-06-17') ? 'O' : 'F');
      const candidates = [0, 1, 2, 3].map((i) => String(supplierOf(Number(line.l_partkey), i, suppliers)));
      expect(candidates).toContain(line.l_suppkey);
    }
  });

  it('derives order status from its line items', () => {
    const statuses = new Map<string, Set<string>>();
    for (const line of rows.lineitem!) {
      const set = statuses.get(line.l_orderkey!) ?? new Set();
      set.add(line.l_linestatus!);
      statuses.set(line.l_orderkey!, set);
    }
    for (const order of rows.orders!) {
      const set = statuses.get(order.o_orderkey!)!;
      const expected = set.size === 2 ? 'P' : set.has('F') ? 'F' : 'O';
      expect(order.o_orderstatus).toBe(expected);
    }
  });

  it('writes .tbl files with a trailing delimiter, no header, and the same values as CSV', () => {
    const tbl = readFileSync(join(dir, 'tbl', 'lineitem.tbl'), 'latin1').split('\n').filter(Boolean);
    expect(tbl).toHaveLength(rows.lineitem!.length);
    const first = tbl[0]!.split('|');
    expect(first).toHaveLength(17);
    expect(first[16]).toBe('');
    expect(first.slice(0, 16)).toEqual(Object.values(rows.lineitem![0]!));
  });

  it('formats fixed-point cents and calendar days exactly', () => {
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(123456)).toBe('1234.56');
    expect(formatDateDays(0)).toBe('1970-01-01');
    expect(formatDateDays(day('2000-02-29'))).toBe('2000-02-29');
    expect(formatDateDays(day('1998-12-31'))).toBe('1998-12-31');
  });

  it('refuses a scale factor that is not positive', () => {
    expect(() => generateTpch({ scaleFactor: 0, outDir: join(dir, 'none') })).toThrow(/scale factor/);
  });
});
