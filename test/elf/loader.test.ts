// Tests for loadObject on clang-built fixtures and the shared anchor program.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bySlot, encode, type Instruction } from '../../src/asm/instruction.js';
import { CALL, CallSrc, EXIT, LDDW, PseudoSrc } from '../../src/asm/opcodes.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { loadObject } from '../../src/elf/loader.js';
import { ANCHOR_DIR, anchorAvailable, fixture } from './fixtures.js';

/** targetOf returns the slot a local call or FUNC lddw at `index` points at (relative to the next slot). */
function targetOf(program: ProgramSpec, index: number): number {
  const slots = bySlot(program.insns);
  const slot = slots.indexOf(program.insns[index]);
  return slot + 1 + program.insns[index]!.imm;
}

function at(program: ProgramSpec, slot: number): Instruction {
  const insn = bySlot(program.insns)[slot];
  if (!insn) throw new Error(`no instruction starts at slot ${slot}`);
  return insn;
}

function lddws(program: ProgramSpec): Instruction[] {
  return program.insns.filter((i) => i.opcode === LDDW);
}

describe('loadObject', () => {
  it.skipIf(!anchorAvailable)('loads the anchor csv_scan exactly as csv.bin holds it', () => {
    const spec = loadObject(readFileSync(`${ANCHOR_DIR}/csv.bpf.o`), 'csv.bpf.o');
    expect(spec.programs.map((p) => [p.section, p.name])).toEqual([['xdp', 'csv_scan']]);
    const program = spec.programs[0]!;
    expect(program.insns.length).toBe(59);
    expect(program.license).toBe('GPL');
    expect(Buffer.from(encode(program.insns))).toEqual(readFileSync(`${ANCHOR_DIR}/csv.bin`));
  });

  it('reads BTF-defined hash and array maps and rewrites map references', () => {
    const spec = loadObject(fixture('maps'), 'maps.bpf.o');
    expect(spec.maps).toEqual([
      { name: 'byte_counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 256, flags: 0 },
      { name: 'totals', type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 },
    ]);
    const program = spec.programs[0]!;
    expect(program.name).toBe('count_bytes');
    expect(program.maps).toBe(spec.maps);
    const refs = lddws(program);
    expect(refs.every((i) => i.src === PseudoSrc.MAP_FD && i.imm2 === 0)).toBe(true);
    expect(new Set(refs.map((i) => i.imm))).toEqual(new Set([0, 1]));
  });

  it('reads legacy struct bpf_map_def maps, including map_flags', () => {
    const spec = loadObject(fixture('legacy'), 'legacy.bpf.o');
    expect(spec.maps).toEqual([
      { name: 'hits', type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 },
      { name: 'sizes', type: 'hash', keySize: 4, valueSize: 4, maxEntries: 16, flags: 1 },
    ]);
    expect(lddws(spec.programs[0]!).map((i) => [i.src, i.imm])).toEqual([
      [PseudoSrc.MAP_FD, 0],
      [PseudoSrc.MAP_FD, 1],
    ]);
  });

  it('turns .rodata, .data, .bss and string sections into single-entry array maps', () => {
    const spec = loadObject(fixture('globals'), 'globals.bpf.o');
    expect(spec.license).toBe('Dual BSD/GPL');
    const byName = new Map(spec.maps.map((m, i) => [m.name, { ...m, index: i }]));
    expect([...byName.keys()].sort()).toEqual(['.bss', '.data', '.rodata', '.rodata.str1.1']);
    for (const m of spec.maps) expect([m.type, m.keySize, m.maxEntries]).toEqual(['array', 4, 1]);
    const rodata = byName.get('.rodata')!;
    expect(rodata.readOnly).toBe(true);
    const view = new DataView(rodata.initialValue!.buffer, rodata.initialValue!.byteOffset);
    expect([view.getUint32(0, true), Number(view.getBigUint64(8, true))]).toEqual([100, 7]); // threshold, scale
    const data = byName.get('.data')!;
    expect(data.readOnly).toBeUndefined();
    expect(Array.from(data.initialValue!)).toEqual([5, 0, 0, 0, 0, 0, 0, 0]); // calls = 5
    const bss = byName.get('.bss')!;
    expect(bss.valueSize).toBe(24); // last_len (4, padded to 8) + over[2]
    expect(bss.initialValue!.every((b) => b === 0)).toBe(true);
    const str = byName.get('.rodata.str1.1')!;
    expect(Buffer.from(str.initialValue!).toString('latin1')).toBe('abcdefghijklmnopqrstuvwxyz\0');
    expect(str.readOnly).toBe(true);
    const refs = lddws(spec.programs[0]!).map((i) => [spec.maps[i.imm]!.name, i.imm2]);
    expect(lddws(spec.programs[0]!).every((i) => i.src === PseudoSrc.MAP_VALUE)).toBe(true);
    expect(refs).toContainEqual(['.bss', 8]); // over
    expect(refs).toContainEqual(['.bss', 0]); // last_len
    expect(refs).toContainEqual(['.rodata', 8]); // scale
    expect(refs).toContainEqual(['.rodata.str1.1', 0]);
  });

  it('appends called .text sub-programs after the entry and patches local calls', () => {
    const spec = loadObject(fixture('subprog'), 'subprog.bpf.o');
    expect(spec.programs.map((p) => [p.section, p.name])).toEqual([
      ['xdp', 'call_subprogs'],
      ['socket', 'socket_entry'],
    ]);
    const isSquare = (p: ProgramSpec, slot: number) => {
      const [a, b, c] = [at(p, slot), at(p, slot + 1), at(p, slot + 2)];
      return a.opcode === 0xbf && a.dst === 0 && a.src === 1 && b.opcode === 0x2f && c.opcode === EXIT;
    };
    const xdp = spec.programs[0]!;
    const calls = xdp.insns.map((insn, i) => [insn, i] as const).filter(([insn]) => insn.opcode === CALL && insn.src === CallSrc.LOCAL);
    expect(calls.length).toBe(3); // entry -> sum_of_squares, which calls square twice
    const sum = targetOf(xdp, calls[0]![1]);
    expect(at(xdp, sum)).toBe(calls[1]![0]); // sum_of_squares starts with its first call
    expect(isSquare(xdp, targetOf(xdp, calls[1]![1]))).toBe(true);
    expect(targetOf(xdp, calls[2]![1])).toBe(targetOf(xdp, calls[1]![1]));
    // socket_entry calls only square: sum_of_squares must not be appended (the kernel refuses unreachable code).
    const socket = spec.programs[1]!;
    expect(socket.insns.length).toBe(3 + 3);
    const call = socket.insns.findIndex((i) => i.opcode === CALL);
    expect(isSquare(socket, targetOf(socket, call))).toBe(true);
  });

  it('resolves a bpf_loop callback to a PseudoSrc.FUNC lddw pointing at the appended callback', () => {
    const program = loadObject(fixture('loop'), 'loop.bpf.o').programs[0]!;
    const index = program.insns.findIndex((i) => i.opcode === LDDW);
    expect(program.insns[index]!.src).toBe(PseudoSrc.FUNC);
    const target = targetOf(program, index);
    const entryEnd = bySlot(program.insns).findIndex((i) => i?.opcode === EXIT) + 1;
    expect(target).toBe(entryEnd); // callback directly after the entry's exit
    expect(at(program, target)).toEqual({ opcode: 0xb7, dst: 0, src: 0, offset: 0, imm: 1 }); // r0 = 1
  });

  it('is deterministic: the same bytes give deep-equal specs', () => {
    for (const name of ['maps', 'globals', 'subprog', 'loop', 'legacy']) {
      expect(loadObject(fixture(name))).toEqual(loadObject(fixture(name)));
    }
  });
});
