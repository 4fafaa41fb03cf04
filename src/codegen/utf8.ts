// UTF-8 in emitted code: counting a character's continuation bytes without branches (LIKE's '_', SUBSTRING).
import { R0, R2, R3, R5 } from '../asm/builder.js';
import { MAX_CONTINUATION_BYTES } from '../values/like.js';
import type { Gen } from './context.js';

/**
 * emitContinuationRun adds to r2 the continuation bytes (0b10xxxxxx) found one after another at r3 + offset,
 * r3 + offset + 1, ..., at most MAX_CONTINUATION_BYTES, with no branches: r5 must be 1 (0 adds nothing) and
 * stays 1 while they continue. Uses r0.
 */
export function emitContinuationRun(g: Gen, offset: number): void {
  const { e } = g;
  for (let k = 0; k < MAX_CONTINUATION_BYTES; k++) {
    // r0 = 1 when the byte is 0b10xxxxxx: byte ^ 0x80 is then below 0x40, and minus 0x40 has the top bit set.
    e.load('B', R0, R3, offset + k);
    e.aluImm('XOR', R0, 0x80);
    e.aluImm('SUB', R0, 0x40);
    e.aluImm('RSH', R0, 63);
    e.aluReg('AND', R5, R0);
    e.aluReg('ADD', R2, R5);
  }
}
