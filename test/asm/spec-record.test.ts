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
    // A program read back is only read from then on: its list is frozen, and encode gives back the bytes it was read from.
    expect(Object.isFrozen(back.insns)).toBe(true);
    expect(encode(back.insns)).toEqual(encode(program.insns));
  });

  it('are not written for programs whose maps carry bytes', () => {
    expect(specToRecord({ ...program, maps: [{ ...program.maps[0]!, initialValue: new Uint8Array(16) }] })).toBeUndefined();
    expect(specToRecord({ ...program, maps: [{ ...program.maps[0]!, contents: { keys: new Uint8Array(4), values: new Uint8Array(16) } }] })).toBeUndefined();
  });

  it('refuse text that is not a whole record', () => {
    const text = specToRecord(program)!;
    const record = JSON.parse(text) as { code: string; maps: { type: string }[] };
    const code = Buffer.from(record.code, 'base64');
    const withCode = (bytes: Uint8Array) => JSON.stringify({ ...record, code: Buffer.from(bytes).toString('base64') });
    expect(() => specFromRecord(text.slice(0, -5))).toThrow();
    expect(() => specFromRecord(withCode(code.subarray(0, -4)))).toThrow(/not a multiple of 8/);
    expect(() => specFromRecord(withCode(code.subarray(0, 8)))).toThrow(/lddw is missing its second slot/);
    expect(() => specFromRecord(withCode(new Uint8Array(0)))).toThrow(/no instructions/);
    expect(() => specFromRecord(JSON.stringify({ ...record, code: undefined }))).toThrow(/no instructions/);
    const badOpcode = Uint8Array.from(code);
    badOpcode[16] = 0xff;
    expect(() => specFromRecord(withCode(badOpcode))).toThrow(/insn #2/);
    expect(() => specFromRecord(JSON.stringify({ ...record, maps: [{ ...record.maps[0], type: 'ringbuf' }] }))).toThrow(/malformed/);
  });
});
