// The CASE / HAVING / EXTRACT / ratio example queries: their shapes, ship-all exactness, and DuckDB as an oracle on SF 0.01 data.
import { expect } from 'vitest';
import { describeExamples, type Shape } from './example-suite.js';

const EXAMPLES = ['shipmode-late-priority', 'discount-share', 'monthly-shipments', 'big-order-customers'] as const;
type Example = (typeof EXAMPLES)[number];

/** SHAPES: each example's columns (name and type) and what its rows must satisfy. */
const SHAPES: Record<Example, Shape> = {
  'shipmode-late-priority': {
    columns: ['l_shipmode char(10)', 'late_lines integer', 'on_time_lines integer', 'large_lines integer'],
    rows: (result) => {
      expect(result.rows.map((row) => String(row[0]).trim())).toEqual(['MAIL', 'SHIP']);
      for (const row of result.rows) expect((row[3] as bigint) <= (row[1] as bigint) + (row[2] as bigint)).toBe(true);
    },
  },
  'discount-share': {
    columns: ['l_returnflag char(1)', 'deep_discount_pct decimal(38,10)', 'mean_quantity decimal(38,6)', 'revenue_to_cents decimal(38,2)'],
    rows: (result) => {
      expect(result.rows.map((row) => row[0]).sort()).toEqual(['A', 'N', 'R']);
      for (const row of result.rows) expect((row[1] as bigint) > 0n && (row[1] as bigint) < 100n * 10n ** 10n).toBe(true);
      const shares = result.rows.map((row) => row[1] as bigint);
      expect(shares).toEqual([...shares].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    },
  },
  'monthly-shipments': {
    columns: ['ship_year integer', 'ship_month integer', 'lines integer', 'slow_lines integer', 'revenue decimal(38,4)'],
    rows: (result) => {
      expect(result.rows.length).toBeGreaterThan(0);
      for (const row of result.rows) {
        expect([1997n, 1998n]).toContain(row[0]);
        expect((row[1] as bigint) >= 1n && (row[1] as bigint) <= 12n).toBe(true);
        expect((row[2] as bigint) >= 10n).toBe(true);
        expect((row[3] as bigint) <= (row[2] as bigint)).toBe(true);
      }
    },
  },
  'big-order-customers': {
    columns: ['o_custkey integer', 'orders integer', 'urgent_pct decimal(38,6)', 'mean_price decimal(38,6)'],
    rows: (result) => {
      expect(result.rows.length).toBeGreaterThan(0);
      expect(result.rows.length).toBeLessThanOrEqual(20);
      for (const row of result.rows) {
        expect((row[1] as bigint) >= 3n).toBe(true);
        expect((row[2] as bigint) >= 0n && (row[2] as bigint) <= 100_000_000n).toBe(true);
      }
    },
  },
};

describeExamples('expression', ['lineitem', 'orders'], EXAMPLES, SHAPES);
