// The base class of every error Sluice reports to a user: one clear sentence with a location.

/** SluiceError is an expected failure (bad input, refused program, fault) with a message fit to print. */
export class SluiceError extends Error {
  override name = 'SluiceError';
  /** Process exit code the CLI uses for it: 1 for query or program errors, 2 for usage errors. */
  readonly exitCode: 1 | 2;

  constructor(message: string, options?: { cause?: unknown; exitCode?: 1 | 2 }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** UsageError is a mistake in how a command was called (exit code 2). */
export class UsageError extends SluiceError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}
