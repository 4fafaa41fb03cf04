// The errors the storage node reports: bad file access, bad user buffers, and tenants it had to abort.
import { SluiceError } from '../util/errors.js';

/** StorageError is a request the storage node cannot serve (missing file, bad descriptor or buffer). */
export class StorageError extends SluiceError {
  override name = 'StorageError';
}

/** TenantAborted says a tenant's program faulted, ran over budget or returned a bad action, and where in the file. */
export class TenantAborted extends SluiceError {
  override name = 'TenantAborted';
  constructor(
    readonly tenant: string,
    readonly chunkIndex: number,
    readonly fileOffset: number,
    reason: string,
    cause?: unknown,
  ) {
    super(`tenant "${tenant}" aborted at chunk ${chunkIndex} (file offset ${fileOffset}): ${reason}`, { cause });
  }
}
