// Exact fixed-point decimal arithmetic: text <-> scaled bigint units, display and rounding.

/** pow10 returns 10^digits as a bigint (digits >= 0). */
export function pow10(digits: number): bigint {
  return 10n ** BigInt(digits);
}

/**
 * parseDecimalUnits reads decimal text (`-12.5`, `+3`, `.25`, `7.`) as units of 10^-scale.
 * Fewer fractional digits than `scale` are padded with zeros; more are refused (returns undefined)
 * because dropping them would silently change the value. Returns undefined for any malformed text.
 */
export function parseDecimalUnits(text: string, scale: number): bigint | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  if (fraction.length > scale) return undefined;
  const units = BigInt((whole === '' ? '0' : whole) + fraction.padEnd(scale, '0'));
  return sign === '-' ? -units : units;
}

/** fractionDigits counts the digits after the decimal point of numeric text (0 without a point). */
export function fractionDigits(text: string): number {
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

/** formatDecimalUnits renders units of 10^-scale as text with exactly `scale` fractional digits. */
export function formatDecimalUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** divideRoundHalfAwayFromZero divides exactly, rounding ties away from zero (2.5 -> 3, -2.5 -> -3). */
export function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}
