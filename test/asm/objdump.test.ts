// Differential test against llvm-objdump-19 on the clang-built anchor program: same text per slot, and its output assembles.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { disassemble } from '../../src/asm/disassembler.js';
import { decode, encode } from '../../src/asm/instruction.js';
import { bytesToHex } from './hex.js';
import { anchorsDir } from '../../src/util/paths.js';

const BIN = join(anchorsDir(), 'csv.bin');
const GOLDEN = fileURLToPath(new URL('./fixtures/csv.objdump.txt', import.meta.url));
const available = existsSync(BIN);
if (!available) console.log(`skipping llvm-objdump comparison: ${BIN} is missing`);

/** instructionLines keeps `slot: bytes text` lines, without llvm-objdump's `<symbol>` notes. */
function instructionLines(listing: string): string[] {
  return listing
    .split('\n')
    .filter((line) => /^\s*\d+:\t/.test(line))
    .map((line) => line.replace(/ <[^>]*>$/, ''));
}

describe.skipIf(!available)('anchor program csv.bpf.o', () => {
  const bytes = new Uint8Array(readFileSync(BIN));
  const golden = readFileSync(GOLDEN, 'utf8');

  it('disassembles to exactly what llvm-objdump-19 -d prints, slot by slot', () => {
    const ours = instructionLines(disassemble(decode(bytes), { rawBytes: true, helperNames: false }));
    const theirs = instructionLines(golden);
    expect(ours.length).toBe(59);
    expect(ours).toEqual(theirs);
  });

  it("assembles llvm-objdump's listing back to the section bytes", () => {
    expect(bytesToHex(encode(assemble(golden, { file: 'csv.objdump.txt' }).insns))).toBe(bytesToHex(bytes));
  });
});
