// Parsers for numeric and word option values, shared by the CLI and the benches: bad input is a commander usage error naming the option.
import { InvalidArgumentError } from 'commander';

/** positiveNumber parses a number > 0 (e.g. a scale factor). */
export function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`expected a positive number, got "${text}"`);
  return value;
}

/** positiveInteger parses an integer > 0 (e.g. a row count or chunk size). */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  return value;
}

/** wholeNumber parses an integer >= 0 (e.g. a first seed, or how many findings to print). */
export function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0 || text.trim() === '') throw new InvalidArgumentError(`expected a whole number (0 or more), got "${text}"`);
  return value;
}

/** oneOf returns a parser accepting only the listed words. */
export function oneOf<T extends string>(...choices: T[]): (text: string) => T {
  return (text) => {
    if ((choices as string[]).includes(text)) return text as T;
    throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${text}"`);
  };
}
