// ProgramSpec as JSON text and back: the same program, instructions of the same shapes as decode's, and refusals of what is not a record.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { decode, encode } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { specFromRecord, specToRecord } from '../../src/asm/spec-record.js';

const program: ProgramSpec = {
  ...assemble('lddw %r1, 0x123456789abcdef0\nmov %r0, -7\nja +0\nexit'),
  name: 'p',
  section: 'xdp',
  license: 'GPL',
  maps: [{ name: 'state', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, flags: 0 }],
  comments: new Map([[0, 'load'], [3, 'jump']]),
};

describe('spec records', () => {
  it('give back the same program, with the instruction shapes decode gives', () => {
    const back = specFromRecord(specToRecord(program)!);
    expect(back).toEqual(program);
    expect(back.insns).toEqual(decode(encode(program.insns)));
    expect(back.insns.map((insn) => Object.keys(insn))).toEqual(decode(encode(program.insns)).map((insn) => Object.keys(insn)));
  });

  it('are not written for programs whose maps carry bytes', () => {
    expect(specToRecord({ ...program, maps: [{ ...program.maps[0]!, initialValue: new Uint8Array(16) }] })).toBeUndefined();
    expect(specToRecord({ ...program, maps: [{ ...program.maps[0]!, contents: { keys: new Uint8Array(4), values: new Uint8Array(16) } }] })).toBeUndefined();
  });

  it('refuse text that is not a whole record', () => {
    const text = specToRecord(program)!;
    const record = JSON.parse(text) as { insns: unknown[]; maps: { type: string }[] };
    expect(() => specFromRecord(text.slice(0, -5))).toThrow();
    expect(() => specFromRecord(JSON.stringify({ ...record, insns: record.insns.slice(0, -1) }))).toThrow(/truncated/);
    expect(() => specFromRecord(JSON.stringify({ ...record, insns: [...record.insns.slice(0, -1), 'x'] }))).toThrow(/integers/);
    expect(() => specFromRecord(JSON.stringify({ ...record, maps: [{ ...record.maps[0], type: 'ringbuf' }] }))).toThrow(/malformed/);
  });
});
