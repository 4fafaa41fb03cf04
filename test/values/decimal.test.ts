// Exact decimal and date arithmetic: parsing, display, rounding and calendar edge cases.
import { describe, expect, test } from 'vitest';
import { parseField } from '../../src/baseline/parse-field.js';
import { DATE, INTEGER, decimalType } from '../../src/values/types.js';
import { MAX_DATE_DAYS, MIN_DATE_DAYS, civilFromDays, daysFromCivil, formatDateDays, parseDateDays, shiftDate } from '../../src/values/calendar.js';
import { divideRoundHalfAwayFromZero, formatDecimalUnits, parseDecimalUnits } from '../../src/values/decimal.js';

describe('decimals', () => {
  test.each([
    ['12.34', 2, 1234n],
    ['12.3', 2, 1230n],
    ['12', 2, 1200n],
    ['-0.05', 2, -5n],
    ['+7.', 2, 700n],
    ['.5', 1, 5n],
    ['0', 0, 0n],
    ['9223372036854775807', 0, 9223372036854775807n],
  ])('parse %s at scale %d', (text, scale, units) => {
    expect(parseDecimalUnits(text, scale)).toBe(units);
  });

  test.each([['1.234', 2], ['', 2], ['.', 2], ['1,5', 2], [' 1', 2], ['1e3', 2], ['--1', 2], ['1.2.3', 2], ['0x10', 0]])(
    'refuse %j at scale %d',
    (text, scale) => {
      expect(parseDecimalUnits(text, scale)).toBeUndefined();
    },
  );

  test.each([
    [1234n, 2, '12.34'],
    [-5n, 2, '-0.05'],
    [5n, 0, '5'],
    [-123n, 6, '-0.000123'],
    [0n, 3, '0.000'],
  ])('format %s at scale %d', (units, scale, text) => {
    expect(formatDecimalUnits(units, scale)).toBe(text);
  });

  test.each([
    [5n, 2n, 3n], // 2.5 -> 3
    [-5n, 2n, -3n], // -2.5 -> -3
    [7n, 3n, 2n], // 2.33 -> 2
    [-8n, 3n, -3n], // -2.67 -> -3
    [1n, -2n, -1n], // -0.5 -> -1
    [0n, 5n, 0n],
  ])('%s / %s rounds half away from zero to %s', (numerator, denominator, quotient) => {
    expect(divideRoundHalfAwayFromZero(numerator, denominator)).toBe(quotient);
  });
});

describe('dates', () => {
  test('days since 1970-01-01', () => {
    expect(parseDateDays('1970-01-01')).toBe(0);
    expect(parseDateDays('1969-12-31')).toBe(-1);
    expect(parseDateDays('1998-12-01')).toBe(10561); // 28 years * 365 + 7 leap days + 334 days
    expect(parseDateDays('2000-02-29')).toBe(11016);
    expect(daysFromCivil(2026, 1, 1)).toBe(20454);
  });

  test.each(['1900-02-29', '1995-13-01', '1995-00-10', '1995-04-31', '95-01-01', '1995-1-1', '1995-01-01 ', ''])('refuse %j', (text) => {
    expect(parseDateDays(text)).toBeUndefined();
  });

  test('display round-trips across leap years and before 1970', () => {
    for (const text of ['1600-02-29', '1969-07-20', '1992-01-01', '1998-12-31', '2000-02-29', '2100-03-01']) {
      expect(formatDateDays(parseDateDays(text)!)).toBe(text);
    }
  });

  test('month arithmetic clamps to the end of the month', () => {
    const day = (text: string): number => parseDateDays(text)!;
    const months = (text: string, amount: bigint): string => formatDateDays(shiftDate(day(text), amount, 'month')!);
    expect(months('2000-01-31', 1n)).toBe('2000-02-29');
    expect(months('1999-01-31', 1n)).toBe('1999-02-28');
    expect(months('1994-01-01', 12n)).toBe('1995-01-01');
    expect(months('1994-03-31', -1n)).toBe('1994-02-28');
    expect(months('1994-01-15', -13n)).toBe('1992-12-15');
    expect(formatDateDays(shiftDate(day('2024-02-29'), -2024n, 'year')!)).toBe('0000-02-29');
  });

  test('every day of years 0000..9999 converts both ways in integer arithmetic', () => {
    expect(formatDateDays(MIN_DATE_DAYS)).toBe('0000-01-01');
    expect(formatDateDays(MAX_DATE_DAYS)).toBe('9999-12-31');
    let wrong = 0;
    for (let days = MIN_DATE_DAYS; days <= MAX_DATE_DAYS; days += 1) {
      const { year, month, day } = civilFromDays(days);
      if (daysFromCivil(year, month, day) !== days || day < 1 || day > 31) wrong++;
    }
    expect(wrong).toBe(0);
  });

  test('shifts that leave 0000-01-01..9999-12-31 are undefined, however large the amount', () => {
    const day = parseDateDays('1998-12-01')!;
    expect(shiftDate(day, 10n ** 30n, 'day')).toBeUndefined();
    expect(shiftDate(day, -(10n ** 30n), 'month')).toBeUndefined();
    expect(shiftDate(day, 8002n, 'year')).toBeUndefined();
    expect(shiftDate(day, 8001n, 'year')).toBe(parseDateDays('9999-12-01'));
    expect(shiftDate(MAX_DATE_DAYS, 1n, 'day')).toBeUndefined();
    expect(shiftDate(MIN_DATE_DAYS, -1n, 'day')).toBeUndefined();
    expect(shiftDate(day, 2n ** 53n + 1n, 'month')).toBeUndefined();
  });
});

describe('data fields', () => {
  const money = decimalType(15, 2);
  test.each([
    ['12', money, 1200n],
    ['-12.5', money, -1250n],
    ['+0.07', money, 7n],
    ['7.', money, 700n],
    ['0012', INTEGER, 12n],
    ['123456789012345678', INTEGER, 123456789012345678n], // 18 digits: beyond 2^53, exact through BigInt
    ['-9007199254740993', INTEGER, -9007199254740993n],
    ['1234567890123456', money, 123456789012345600n],
    ['1998-09-02', DATE, 10471n],
  ])('%j as %o is %s', (text, type, value) => {
    expect(parseField(text, type)).toBe(value);
  });

  test.each([
    ['.5', money, "'.5' is not a valid decimal(15,2)"],
    ['1.234', money, "'1.234' is not a valid decimal(15,2)"],
    ['1.2.3', money, "'1.2.3' is not a valid decimal(15,2)"],
    ['', INTEGER, "'' is not a valid integer"],
    ['-', INTEGER, "'-' is not a valid integer"],
    [' 1', INTEGER, "' 1' is not a valid integer"],
    ['1e3', INTEGER, "'1e3' is not a valid integer"],
    ['1.0', INTEGER, "'1.0' is not a valid integer"],
    ['12345678901234567', money, "'12345678901234567' has more than 18 digits"],
    ['0001234567890123456', INTEGER, "'0001234567890123456' has more than 18 digits"],
    ['1998-9-02', DATE, "'1998-9-02' is not a valid date (YYYY-MM-DD)"],
  ])('%j as %o is refused', (text, type, error) => {
    expect(parseField(text, type)).toEqual({ error });
  });
});
