// Errors of the query layer: a refused or invalid query, or a malformed data row, each with file:line:col.
import { SluiceError } from '../util/errors.js';

/** SourcePosition is a 1-based line and column in a query text or data file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** QueryError is a query Sluice cannot run (syntax, unsupported construct, unknown name, type mismatch). */
export class QueryError extends SluiceError {
  override name = 'QueryError';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The message without its location prefix. */
  readonly reason: string;

  constructor(file: string, position: SourcePosition, reason: string, options?: { cause?: unknown }) {
    super(`${file}:${position.line}:${position.column}: ${reason}`, options);
    this.file = file;
    this.line = position.line;
    this.column = position.column;
    this.reason = reason;
  }
}

/** MalformedRowError is a data row that does not fit the table's schema (field count, number, date, length). */
export class MalformedRowError extends QueryError {
  override name = 'MalformedRowError';
}
