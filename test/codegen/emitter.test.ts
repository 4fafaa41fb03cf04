// The emitter resolves jumps, calls and bpf_loop function references to the slot offsets Linux expects.
import { expect, test } from 'vitest';
import { CALL, CallSrc, LDDW, PseudoSrc } from '../../src/asm/opcodes.js';
import { R0, R1, R2, R3 } from '../../src/asm/builder.js';
import { Emitter } from '../../src/codegen/emitter.js';

const MAP = { name: 'state', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 } as const;

test('jumps count from the next instruction; calls and FUNC lddw from slot + 1; maps by index', () => {
  const e = new Emitter('t', [MAP]);
  const target = e.label('target');
  const fn = e.label('fn');
  e.comment('start');
  e.jumpImm('JEQ', R1, 0, target); // slot 0
  e.funcRef(R2, fn); // slots 1-2
  e.constant(R3, 1n << 40n); // slots 3-4
  e.callLocal(fn); // slot 5
  e.mapRef(R1, 0); // slots 6-7
  e.bind(target);
  e.exit(); // slot 8
  e.func(fn);
  e.movImm(R0, 0); // slot 9
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

test('an instruction no path reaches is refused as a code generator bug, naming it', () => {
  const e = new Emitter('t', []);
  const end = e.label('end');
  e.goto(end);
  e.movImm(R0, 1); // slot 1: jumped over, never reached
  e.bind(end);
  e.movImm(R0, 2);
  e.exit();
  expect(() => e.build()).toThrow(/insn #1 of 't' is unreachable/);
});

test('a constant a 64-bit register cannot hold is refused rather than wrapped', () => {
  const e = new Emitter('t', []);
  expect(() => e.constant(R0, 1n << 63n)).toThrow(/does not fit in a signed 64-bit register/);
  expect(() => e.constant(R0, -(1n << 63n) - 1n)).toThrow(/does not fit/);
  e.constant(R0, -(1n << 63n));
  e.exit();
  expect(e.build().insns[0]?.imm2).toBe(-0x80000000);
});

test('a conditional jump beyond 16 bits names the SQL construct whose code is too long for it', () => {
  const e = new Emitter('t', []);
  const construct = { at: { line: 3, column: 7 }, what: 'this OR of 9 conditions' };
  const far = e.label('far');
  e.jumpImm('JEQ', R0, 0, far);
  e.within({ at: { line: 3, column: 1 }, what: 'the outer AND' }, () => {
    e.within({ at: { line: 3, column: 1 }, what: 'a short comparison' }, () => e.movImm(R0, 1));
    e.within(construct, () => {
      for (let i = 0; i < 0x8000; i++) e.movImm(R0, i);
    });
  });
  e.bind(far);
  e.exit();
  let thrown: unknown;
  try {
    e.build();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ construct });
});
