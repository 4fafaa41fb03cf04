// Parsing of link and device quantities written by people: rates (10gbit, 3.5GB/s), durations (50us, 1ms), sizes (4KiB).
import { UsageError } from '../util/errors.js';

const RATE_UNITS: Readonly<Record<string, number>> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  'b/s': 8,
  'kb/s': 8e3,
  'mb/s': 8e6,
  'gb/s': 8e9,
  'tb/s': 8e12,
};

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  ms: 1e-3,
  s: 1,
};

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

/**
 * parseRate reads a bandwidth such as `10gbit`, `400gbit`, `1gbit`, `100mbit` (bits per second,
 * decimal prefixes) or `3.5GB/s` (bytes per second) and returns bits per second.
 */
export function parseRate(text: string): number {
  return parseQuantity(text, RATE_UNITS, 'rate', '10gbit, 400gbit, 3.5GB/s');
}

/** parseDuration reads a duration such as `50us`, `80µs`, `1ms`, `2s`, `500ns` and returns seconds. */
export function parseDuration(text: string): number {
  return parseQuantity(text, DURATION_UNITS, 'duration', '50us, 1ms, 500ns');
}

/** parseSize reads a byte count such as `4096`, `4KiB`, `64kib`, `1MiB` or `1GB` and returns bytes. */
export function parseSize(text: string): number {
  const bytes = parseQuantity(text, SIZE_UNITS, 'size', '4096, 4KiB, 1MiB', 'b');
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`size '${text}' is not a whole number of bytes`);
  return bytes;
}

function parseQuantity(
  text: string,
  units: Readonly<Record<string, number>>,
  what: string,
  examples: string,
  defaultUnit?: string,
): number {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zµ/]*)\s*$/i.exec(text);
  const unit = match ? (match[2] === '' ? defaultUnit : match[2]!.toLowerCase()) : undefined;
  const scale = unit === undefined ? undefined : units[unit];
  if (!match || scale === undefined) {
    throw new UsageError(`cannot read ${what} '${text}' (examples: ${examples})`);
  }
  const value = Number(match[1]) * scale;
  if (!(value > 0)) throw new UsageError(`${what} '${text}' must be greater than zero`);
  return value;
}
