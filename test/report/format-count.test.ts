// formatCount writes integers with thousands separators exactly as toLocaleString('en-US') does, without loading ICU.
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/report/units.js';

describe('formatCount', () => {
  it('matches toLocaleString for small, large, negative, fractional and non-finite numbers', () => {
    for (const n of [0, 5, 999, 1000, 12_345, 123_456, 1_234_567, -1234, -999, 2.5, 1_411_484.4, 1e21, Number.MAX_SAFE_INTEGER, Infinity, NaN]) {
      expect(formatCount(n)).toBe(Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
    }
  });
});
