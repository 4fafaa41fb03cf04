// Dividing r0 by a power of ten with rounding half away from zero (CAST to fewer fractional digits).
import { R0, R1, R2 } from '../asm/builder.js';
import type { Gen } from './context.js';

/**
 * emitRoundDown sets r0 = r0 / factor rounded half away from zero, dividing the magnitude unsigned
 * (|r0| <= 2^63 and factor / 2 < 2^63, so the sum cannot pass 2^64). Clobbers r1 and r2.
 */
export function emitRoundDown(g: Gen, factor: bigint): void {
  const { e } = g;
  const negative = e.label('round_negative');
  const done = e.label('rounded');
  e.constant(R1, factor);
  e.constant(R2, factor / 2n);
  e.jumpImm('JSLT', R0, 0, negative);
  e.aluReg('ADD', R0, R2);
  e.aluReg('DIV', R0, R1);
  e.goto(done);
  e.bind(negative);
  e.neg(R0);
  e.aluReg('ADD', R0, R2);
  e.aluReg('DIV', R0, R1);
  e.neg(R0);
  e.bind(done);
}
