// Tests for writeObject: every fixture program survives write -> load unchanged; unrepresentable specs fail clearly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lddwFrom } from '../../src/asm/instruction.js';
import { EXIT, PseudoSrc } from '../../src/asm/opcodes.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { ElfError } from '../../src/elf/errors.js';
import { loadObject } from '../../src/elf/loader.js';
import { writeObject } from '../../src/elf/writer.js';
import { ANCHOR_DIR, anchorAvailable, fixture, section } from './fixtures.js';

const exit = { opcode: EXIT, dst: 0, src: 0, offset: 0, imm: 0 };

describe('writeObject', () => {
  for (const name of ['maps', 'globals', 'subprog', 'loop', 'legacy']) {
    it(`round-trips every program of ${name}.bpf.o`, () => {
      for (const program of loadObject(fixture(name)).programs) {
        const bytes = writeObject(program);
        const back = loadObject(bytes, 'written.o');
        expect(back.programs).toHaveLength(1);
        expect(back.programs[0]).toEqual(program);
      }
    });
  }

  it.skipIf(!anchorAvailable)('writes the anchor program with the same code bytes', () => {
    const program = loadObject(readFileSync(`${ANCHOR_DIR}/csv.bpf.o`)).programs[0]!;
    const bytes = writeObject(program);
    const xdp = section(bytes, 'xdp');
    expect(Buffer.from(bytes.subarray(xdp.offset, xdp.offset + xdp.size))).toEqual(readFileSync(`${ANCHOR_DIR}/csv.bin`));
  });

  it('keeps map order when data maps sit between regular maps', () => {
    const program: ProgramSpec = {
      name: 'mixed',
      section: 'xdp',
      license: 'GPL',
      maps: [
        { name: 'a', type: 'hash', keySize: 8, valueSize: 16, maxEntries: 10, flags: 0 },
        { name: '.rodata', type: 'array', keySize: 4, valueSize: 3, maxEntries: 1, flags: 0, initialValue: Uint8Array.of(1, 2, 3), readOnly: true },
        { name: 'b', type: 'percpu_array', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 },
      ],
      insns: [
        lddwFrom(1, 0n, PseudoSrc.MAP_FD),
        { ...lddwFrom(2, 0n, PseudoSrc.MAP_VALUE), imm: 1, imm2: 2 },
        { ...lddwFrom(3, 0n, PseudoSrc.MAP_FD), imm: 2 },
        exit,
      ],
    };
    expect(loadObject(writeObject(program)).programs[0]).toEqual(program);
  });

  it('refuses specs an object cannot express', () => {
    const base: ProgramSpec = { name: 'p', section: 'xdp', license: 'GPL', maps: [], insns: [exit] };
    const fails = (spec: ProgramSpec, pattern: RegExp) => {
      expect(() => writeObject(spec)).toThrow(ElfError);
      expect(() => writeObject(spec)).toThrow(pattern);
    };
    fails({ ...base, section: '.text' }, /not usable as a program section/);
    fails({ ...base, insns: [lddwFrom(1, 0n, PseudoSrc.MAP_FD), exit] }, /refers to map #0/);
    fails(
      { ...base, maps: [{ name: '.data', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0, initialValue: new Uint8Array(4), readOnly: true }] },
      /exactly the .rodata\* maps are read-only/,
    );
    fails({ ...base, maps: [{ name: 'x', type: 'hash', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0, initialValue: new Uint8Array(4) }] }, /only global data maps/);
  });
});
