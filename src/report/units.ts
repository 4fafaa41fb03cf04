// Human formatting of byte counts (binary units), durations and plain counts for the report tables.
import { formatCount } from '../util/count.js';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** formatBytes writes a byte count with a binary unit: `812 B`, `4.00 KiB`, `735.2 MiB`, `1.20 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const sign = bytes < 0 ? '-' : '';
  return unit === 0 ? `${sign}${value} B` : `${sign}${threeDigits(value)} ${BYTE_UNITS[unit]}`;
}

/** formatSeconds writes a duration with a fitting unit: `950 ns`, `80.0 µs`, `12.3 ms`, `1.23 s`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s === 0) return '0 s';
  if (s < 1e-6) return `${sign}${Math.round(s * 1e9)} ns`;
  if (s < 1e-3) return `${sign}${threeDigits(s * 1e6)} µs`;
  if (s < 1) return `${sign}${threeDigits(s * 1e3)} ms`;
  return `${sign}${threeDigits(s)} s`;
}

/** formatRatio writes how many times larger one quantity is: `1.5×`, `2,475,123×`, `∞×`. */
export function formatRatio(ratio: number): string {
  if (ratio === Infinity) return '∞×';
  if (!Number.isFinite(ratio)) return '–';
  return ratio >= 100 ? `${formatCount(ratio)}×` : `${threeDigits(ratio)}×`;
}

/** formatPercent writes a fraction as a percentage with enough digits to tell 99.99% from 100%. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const p = fraction * 100;
  if (p !== 100 && p > 99.99) return `${p.toFixed(4)}%`;
  return `${p.toFixed(2)}%`;
}

/** threeDigits keeps three significant digits for values from 1 to 999 (`4.00`, `73.5`, `812`). */
function threeDigits(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
