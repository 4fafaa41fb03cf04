// The shared bpf_conformance programs through the assembler and disassembler: bytes, round trips, refusals.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AssemblerError, assemble } from '../../src/asm/assembler.js';
import { disassemble } from '../../src/asm/disassembler.js';
import { encode } from '../../src/asm/instruction.js';
import { bytesToHex } from './hex.js';
import { conformanceDir } from '../../src/util/paths.js';

const DIR = `${conformanceDir()}/`;
const available = existsSync(DIR);
if (!available) console.log(`skipping conformance assembler tests: ${DIR} is missing`);

/** sections splits a .data file into its `-- name` sections. */
function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  for (const line of text.split('\n')) {
    const header = /^-- (.+)$/.exec(line);
    if (header) {
      name = header[1]!.trim();
      out.set(name, '');
    } else if (name !== undefined) {
      out.set(name, out.get(name) + line + '\n');
    }
  }
  return out;
}

/** rawBytes reads a `-- raw` section: 64-bit words `0x...` (little-endian slots) or hex byte pairs. */
function rawBytes(raw: string): string {
  const words = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  if (words.every((w) => /^0x[0-9a-fA-F]{16}$/.test(w))) {
    return words
      .map((w) => bytesToHex(Uint8Array.from({ length: 8 }, (_, i) => Number((BigInt(w) >> BigInt(8 * i)) & 0xffn))))
      .join(' ');
  }
  return words.join(' ').toLowerCase();
}

const files = (sub: string) =>
  available ? readdirSync(DIR + sub).filter((f) => f.endsWith('.data')).sort() : [];

describe.skipIf(!available)('conformance programs', () => {
  const positives = files('').map((f) => [f, sections(readFileSync(DIR + f, 'utf8'))] as const);

  it('finds the suite', () => {
    expect(positives.filter(([, s]) => s.has('asm')).length).toBeGreaterThan(300);
  });

  it.each(positives.filter(([, s]) => s.has('asm')))('%s assembles and round-trips', (file, s) => {
    const spec = assemble(s.get('asm')!, { file });
    const bytes = bytesToHex(encode(spec.insns));
    if (s.has('raw')) expect(bytes).toBe(rawBytes(s.get('raw')!));
    for (const options of [{}, { labels: true }, { rawBytes: true }]) {
      expect(bytesToHex(encode(assemble(disassemble(spec, options)).insns))).toBe(bytes);
    }
  });
});

describe.skipIf(!available)('conformance negatives with assembly', () => {
  // Syntactically valid programs that the engine or verifier refuses, not the assembler.
  const refusedLater = new Set(['error.data', 'incorrect_return_value_high_bits.data']);
  const negatives = files('negative/')
    .map((f) => [f, sections(readFileSync(`${DIR}negative/${f}`, 'utf8'))] as const)
    .filter(([f, s]) => s.has('asm') && !refusedLater.has(f));

  it('finds them', () => {
    expect(negatives.length).toBeGreaterThanOrEqual(10);
  });

  it.each(negatives)('%s is refused', (file, s) => {
    expect(() => assemble(s.get('asm')!, { file })).toThrow(AssemblerError);
  });
});
