// The verifier's abstract machine state: typed registers, per-frame stacks, and how to copy and print them.
import type { MapSpec } from '../asm/program.js';
import { STACK_FRAME_BYTES } from '../asm/limits.js';
import { rememberReg } from './memo.js';
import { SCALAR_UNKNOWN, isConst, scalarConst, scalarText, type Scalar } from './scalar.js';

/** RegType is what a register holds, after Linux's register types. */
export type RegType =
  | 'not_init'
  | 'scalar'
  | 'ctx'
  | 'stack'
  | 'map_ptr'
  | 'map_value'
  | 'map_value_or_null'
  | 'pkt'
  | 'pkt_end'
  | 'pkt_meta'
  | 'mem'
  | 'func';

/**
 * Reg is one register's abstract value. Immutable, so states share them freely.
 * For scalars `value` is the value; for pointers it is the variable part of the offset and
 * `off` the fixed part. `id` links packet pointers that share a variable offset (and a proven
 * `range`) and map_value_or_null copies that a null check refines together. `map` is the map
 * index, `frame` the stack frame a stack pointer points into, `size` a mem region's bytes or a
 * func pointer's entry slot.
 */
export interface Reg {
  readonly type: RegType;
  readonly value: Scalar;
  readonly off: number;
  readonly id: number;
  readonly range: number;
  readonly map: number;
  readonly frame: number;
  readonly size: number;
}

const ZERO = scalarConst(0n);

/** NOT_INIT is a register never written. */
export const NOT_INIT: Reg = { type: 'not_init', value: ZERO, off: 0, id: 0, range: 0, map: -1, frame: 0, size: 0 };

/** scalarReg wraps a scalar value in a register: one per scalar (remembered on it), so repeated values need no allocation. */
export function scalarReg(value: Scalar): Reg {
  return value.reg ?? rememberReg(value, { type: 'scalar', value, off: 0, id: 0, range: 0, map: -1, frame: 0, size: 0 });
}

/** UNKNOWN_SCALAR is a register holding any number. */
export const UNKNOWN_SCALAR: Reg = scalarReg(SCALAR_UNKNOWN);

/**
 * pointerReg makes a pointer of `type` with fixed offset `off` and no variable part. Built field by
 * field in Reg's order, like every register: registers of one shape keep the walk's property reads
 * monomorphic (a spread object has another shape, and meeting it deoptimises the optimised walk).
 */
export function pointerReg(type: RegType, fields: Partial<Omit<Reg, 'type'>> = {}): Reg {
  return {
    type,
    value: fields.value ?? ZERO,
    off: fields.off ?? 0,
    id: fields.id ?? 0,
    range: fields.range ?? 0,
    map: fields.map ?? -1,
    frame: fields.frame ?? 0,
    size: fields.size ?? 0,
  };
}

/**
 * regWith is `reg` with its type, value, fixed offset, id and range replaced (map, frame and size
 * kept). Built field by field in Reg's order: the walk makes one per pointer move, and V8 copies a
 * spread object far more slowly.
 */
export function regWith(reg: Reg, type: RegType, value: Scalar, off: number, id: number, range: number): Reg {
  return { type, value, off, id, range, map: reg.map, frame: reg.frame, size: reg.size };
}

/** isPointer says whether a register holds any kind of pointer. */
export function isPointer(reg: Reg): boolean {
  return reg.type !== 'scalar' && reg.type !== 'not_init';
}

/** MAX_VAR_OFF bounds a pointer's offsets, fixed and variable, as Linux's BPF_MAX_VAR_OFF does. */
export const MAX_VAR_OFF = 1 << 29;

/** STACK_SIZE is one frame's stack, as in Linux (MAX_BPF_STACK). */
export const STACK_SIZE = STACK_FRAME_BYTES;
/** SLOTS is the number of 8-byte stack slots per frame. */
export const SLOTS = STACK_SIZE / 8;

/**
 * StackData is one frame's stack, per 8-byte slot (slot s holds the bytes at fp-512+8s): which of
 * its bytes were written (bit b: byte 8s+b holds data) and the register spilled into it whole, if
 * any (then all 8 bits are set). The arrays run from the top of the stack down (index 0 is slot
 * 63, fp-8) and only as deep as the deepest slot ever set: a state that writes the stack copies
 * it, most functions use a few slots, and a copy of two 64-entry arrays was a fifth of the walk's
 * allocation (and of what its kept checkpoints hold). Read and write them through the functions
 * below, which take slot numbers; slots past the arrays hold nothing.
 */
export interface StackData {
  readonly written: number[];
  readonly spills: (Reg | undefined)[];
}

/** ALL_BYTES is a slot's `written` mask when all 8 bytes hold data. */
export const ALL_BYTES = 0xff;

/** writtenAt returns slot `s`'s mask of written bytes. */
export function writtenAt(stack: StackData, s: number): number {
  const i = SLOTS - 1 - s;
  return i < stack.written.length ? stack.written[i]! : 0;
}

/** spillAt returns the register spilled whole into slot `s`, if any. */
export function spillAt(stack: StackData, s: number): Reg | undefined {
  const i = SLOTS - 1 - s;
  return i < stack.spills.length ? stack.spills[i] : undefined;
}

/** lowestSlot is the lowest slot the stack's arrays reach: every slot below it holds nothing. */
export function lowestSlot(stack: StackData): number {
  return SLOTS - stack.written.length;
}

/** setSlot sets slot `s`'s written mask and spill, deepening the arrays to reach it. */
export function setSlot(stack: StackData, s: number, written: number, spill: Reg | undefined): void {
  const i = SLOTS - 1 - s;
  while (stack.written.length <= i) {
    stack.written.push(0);
    stack.spills.push(undefined);
  }
  stack.written[i] = written;
  stack.spills[i] = spill;
}

/** byteWritten says whether the stack byte at `offset` bytes from the frame's bottom (0..511) holds data. */
export function byteWritten(stack: StackData, offset: number): boolean {
  return ((writtenAt(stack, offset >> 3) >> (offset & 7)) & 1) !== 0;
}

/** markBytes records that bytes [from, to) from the frame's bottom hold data (keeping each slot's spill). */
export function markBytes(stack: StackData, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const s = i >> 3;
    setSlot(stack, s, writtenAt(stack, s) | (1 << (i & 7)), spillAt(stack, s));
  }
}

/**
 * Frame is one function activation: its registers, its stack and, for callees, the slot to
 * return to. Copies share the stack until one of them writes it (`shared`; see writableStack):
 * most paths never touch the stack between two checkpoints.
 */
export interface Frame {
  readonly regs: Reg[];
  stack: StackData;
  shared: boolean;
  /** Entry slot of the function this frame runs. */
  readonly entry: number;
  /** Slot after the call instruction (-1 for the main frame). */
  readonly returnTo: number;
  /** True if the frame runs a bpf_loop callback (its r0 must be 0 or 1 at exit). */
  readonly callback: boolean;
  /** Deepest stack byte touched, as a positive byte count. */
  depth: number;
}

/** newFrame makes a frame with no registers and an empty stack. */
export function newFrame(entry: number, returnTo: number, callback: boolean): Frame {
  return {
    // A literal, not new Array(11).fill(): a packed array, so reads need no hole check (copies keep the kind).
    regs: [NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT, NOT_INIT],
    stack: { written: [], spills: [] },
    shared: false,
    entry,
    returnTo,
    callback,
    depth: 0,
  };
}

/** copyFrame is an independent copy (registers are immutable and shared; the stack is copied on write). */
export function copyFrame(f: Frame): Frame {
  f.shared = true;
  const { stack, entry, returnTo, callback, depth } = f;
  return { regs: f.regs.slice(), stack, shared: true, entry, returnTo, callback, depth };
}

/** writableStack returns the frame's stack after making sure no other frame shares it. */
export function writableStack(frame: Frame): StackData {
  if (frame.shared) {
    frame.stack = { written: frame.stack.written.slice(), spills: frame.stack.spills.slice() };
    frame.shared = false;
  }
  return frame.stack;
}

/** State is the machine at one instruction: the call stack of frames (last is current). */
export interface State {
  insn: number;
  frames: Frame[];
  /** Next id for packet pointers and nullable map values. */
  nextId: number;
}

/**
 * copyState is an independent copy of a state. Its frames array is pushed, not mapped: map() makes
 * a holey array, the entry state's is packed, and the walk's reads of `frames` would see two shapes.
 */
export function copyState(s: State): State {
  const frames: Frame[] = [];
  for (let f = 0; f < s.frames.length; f++) frames.push(copyFrame(s.frames[f]!));
  return { insn: s.insn, frames, nextId: s.nextId };
}

/** regText formats a register the way the kernel's log does (e.g. `pkt(id=0,off=0,r=8)`). */
export function regText(reg: Reg, maps: readonly MapSpec[]): string {
  const varPart = isConst(reg.value) ? '' : `,var=${scalarText(reg.value)}`;
  const off = reg.off + (isConst(reg.value) ? Number(BigInt.asIntN(64, reg.value.umin)) : 0);
  const mapName = (i: number) => maps[i]?.name ?? `#${i}`;
  switch (reg.type) {
    case 'not_init':
      return 'not_init';
    case 'scalar':
      return scalarText(reg.value);
    case 'ctx':
      return `ctx(off=${off}${varPart})`;
    case 'stack':
      return varPart ? `fp${reg.frame}(off=${off}${varPart})` : `fp${off === 0 ? '0' : off}`;
    case 'map_ptr':
      return `map_ptr(${mapName(reg.map)})`;
    case 'map_value':
    case 'map_value_or_null':
      return `${reg.type}(${reg.type === 'map_value_or_null' ? `id=${reg.id},` : ''}map=${mapName(reg.map)},off=${off}${varPart})`;
    case 'pkt':
      return `pkt(id=${reg.id},off=${off},r=${reg.range}${varPart})`;
    case 'pkt_end':
      return 'pkt_end()';
    case 'pkt_meta':
      return `pkt_meta(off=${off})`;
    case 'mem':
      return `mem(size=${reg.size},off=${off}${varPart})`;
    case 'func':
      return `func(insn #${reg.size})`;
  }
}

/** stateText formats the current frame's initialised registers and stack slots, like the kernel's log. */
export function stateText(state: State, maps: readonly MapSpec[]): string {
  const frame = state.frames[state.frames.length - 1]!;
  const parts: string[] = [];
  if (state.frames.length > 1) parts.push(`frame${state.frames.length - 1}:`);
  frame.regs.forEach((reg, i) => {
    if (reg.type !== 'not_init') parts.push(`R${i}=${regText(reg, maps)}`);
  });
  for (let slot = SLOTS - 1; slot >= lowestSlot(frame.stack); slot--) {
    const spilled = spillAt(frame.stack, slot);
    const base = slot * 8;
    if (spilled) {
      parts.push(`fp${base - STACK_SIZE}=${regText(spilled, maps)}`);
      continue;
    }
    let tags = '';
    for (let i = 0; i < 8; i++) tags += byteWritten(frame.stack, base + i) ? 'm' : '?';
    if (tags !== '????????') parts.push(`fp${base - STACK_SIZE}=${tags}`);
  }
  return parts.join(' ');
}
