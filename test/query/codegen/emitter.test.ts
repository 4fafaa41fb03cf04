// The emitter resolves jumps, calls and bpf_loop function references to the slot offsets Linux expects.
import { expect, test } from 'vitest';
import { CALL, CallSrc, LDDW, PseudoSrc } from '../../../src/asm/opcodes.js';
import { Emitter } from '../../../src/query/codegen/emitter.js';

test('jumps count from the next instruction; calls and FUNC lddw from slot + 1', () => {
  const e = new Emitter();
  const target = e.label('target');
  const fn = e.label('fn');
  e.comment('start');
  e.jumpImm('JEQ', 1, 0, target); // slot 0
  e.funcRef(2, fn); // slots 1-2
  e.constant(3, 1n << 40n); // slots 3-4
  e.callLocal(fn); // slot 5
  e.bind(target);
  e.exit(); // slot 6
  e.bind(fn);
  e.movImm(0, 0); // slot 7
  e.exit();
  const { insns, comments } = e.finish();
  expect(insns[0]?.offset).toBe(5);
  expect(insns[1]).toMatchObject({ opcode: LDDW, src: PseudoSrc.FUNC, imm: 5 });
  expect(insns[3]).toMatchObject({ opcode: CALL, src: CallSrc.LOCAL, imm: 1 });
  expect(comments.get(0)).toBe('start');
});

test('an unplaced label is an error that names it', () => {
  const e = new Emitter();
  e.goto(e.label('nowhere'));
  expect(() => e.finish()).toThrow(/nowhere/);
});
