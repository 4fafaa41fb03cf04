// The error every ELF loader and writer failure becomes: one sentence naming the file and where in it.
import { SluiceError } from '../util/errors.js';

/**
 * ElfError reports a malformed or unsupported object file. `where` names the byte offset,
 * section, symbol or map ("byte offset 0x40", "section 'xdp' insn #5", "map 'counts'").
 */
export class ElfError extends SluiceError {
  override name = 'ElfError';

  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${where}: ${reason}`, options);
  }
}

/** hexOffset formats a byte offset the way error messages show it ("0x1a0"). */
export function hexOffset(offset: number | bigint): string {
  return `0x${offset.toString(16)}`;
}
