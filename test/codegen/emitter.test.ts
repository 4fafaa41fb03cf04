// The emitter resolves jumps, calls and bpf_loop function references to the slot offsets Linux expects.
import { expect, test } from 'vitest';
import { CALL, CallSrc, LDDW, PseudoSrc } from '../../src/asm/opcodes.js';
import { Emitter } from '../../src/codegen/emitter.js';

const MAP = { name: 'state', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 } as const;

test('jumps count from the next instruction; calls and FUNC lddw from slot + 1; maps by index', () => {
  const e = new Emitter('t', [MAP]);
  const target = e.label('target');
  const fn = e.label('fn');
  e.comment('start');
  e.jumpImm('JEQ', 1, 0, target); // slot 0
  e.funcRef(2, fn); // slots 1-2
  e.constant(3, 1n << 40n); // slots 3-4
  e.callLocal(fn); // slot 5
  e.mapRef(1, 0); // slots 6-7
  e.bind(target);
  e.exit(); // slot 8
  e.func(fn);
  e.movImm(0, 0); // slot 9
  e.exit();
  const spec = e.build();
  expect(spec.insns[0]?.offset).toBe(7);
  expect(spec.insns[1]).toMatchObject({ opcode: LDDW, src: PseudoSrc.FUNC, imm: 7 });
  expect(spec.insns[3]).toMatchObject({ opcode: CALL, src: CallSrc.LOCAL, imm: 3 });
  expect(spec.insns[4]).toMatchObject({ opcode: LDDW, src: PseudoSrc.MAP_FD, imm: 0 });
  expect(spec.maps).toEqual([MAP]);
  expect(spec.comments?.get(0)).toBe('start');
});

test('labels made with the same name stay distinct, and an unplaced one is an error that names it', () => {
  const e = new Emitter('t', []);
  const a = e.label('x');
  const b = e.label('x');
  expect(a.name).not.toBe(b.name);
  e.goto(e.label('nowhere'));
  expect(() => e.build()).toThrow(/nowhere/);
});
