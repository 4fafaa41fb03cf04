// formatCount writes integers with thousands separators exactly as toLocaleString('en-US') does, without loading ICU.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/util/count.js';

describe('formatCount', () => {
  it('matches toLocaleString for small, large, negative, fractional and non-finite numbers', () => {
    for (const n of [0, 5, 999, 1000, 12_345, 123_456, 1_234_567, -1234, -999, 2.5, 1_411_484.4, 1e21, Number.MAX_SAFE_INTEGER, Infinity, NaN]) {
      expect(formatCount(n)).toBe(Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
    }
  });

  it('writes bigints beyond 2^53 digit for digit', () => {
    for (const n of [0n, 999n, -1000n, 2n ** 64n + 12_345n, -(10n ** 30n)]) expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  });

  it('is what src/ uses: no toLocaleString, whose first call loads ICU, in any command\'s path', () => {
    const root = fileURLToPath(new URL('../../src/', import.meta.url));
    const users = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== join('util', 'count.ts'))
      .filter((file) => /\.toLocale\w*String\(/.test(readFileSync(join(root, file), 'utf8')));
    expect(users).toEqual([]);
  });
});
