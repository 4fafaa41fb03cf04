// The string example queries (NOT LIKE with several '%', a CASE yielding strings as group key, SUBSTRING grouping): shapes, ship-all, DuckDB on SF 0.01.
import { expect } from 'vitest';
import { describeExamples, type Shape } from './example-suite.js';

const EXAMPLES = ['orders-without-sly-requests', 'customer-country-codes'] as const;
type Example = (typeof EXAMPLES)[number];

/** SHAPES: each example's columns (name and type) and what its rows must satisfy. */
const SHAPES: Record<Example, Shape> = {
  'orders-without-sly-requests': {
    columns: ['priority_class varchar(4)', 'orders integer', 'revenue decimal(38,2)'],
    rows: (result) => {
      expect(result.rows.map((row) => row[0])).toEqual(['high', 'low']);
      // Some orders mention sly ... requests and are left out of the 15,000 at SF 0.01.
      const orders = result.rows.reduce((sum, row) => sum + (row[1] as bigint), 0n);
      expect(orders > 14_000n && orders < 15_000n).toBe(true);
    },
  },
  'customer-country-codes': {
    columns: ['cntrycode varchar(8)', 'numcust integer', 'totacctbal decimal(38,2)'],
    rows: (result) => {
      expect(result.rows.map((row) => row[0])).toEqual(['13', '17', '18', '23', '29', '30', '31']);
      for (const row of result.rows) expect((row[1] as bigint) > 0n && (row[2] as bigint) > 0n).toBe(true);
    },
  },
};

describeExamples('string', ['orders', 'customer'], EXAMPLES, SHAPES);
