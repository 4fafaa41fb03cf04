// Parsers for command-line option values that report bad input as usage errors.
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

/** oneOf returns a parser accepting only the listed words. */
export function oneOf<T extends string>(...choices: T[]): (text: string) => T {
  return (text) => {
    if ((choices as string[]).includes(text)) return text as T;
    throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${text}"`);
  };
}
