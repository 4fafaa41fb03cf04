// Memory access rules: context fields, stack slots and spills, packet bounds, map values and plain memory.
import { contextField } from './context.js';
import { lasting } from './memo.js';
import { type Env, refuse } from './env.js';
import { isConst, scalarRange, scalarText } from './scalar.js';
import { tnumText } from './tnum.js';
import {
  type Frame,
  type Reg,
  type State,
  STACK_SIZE,
  ALL_BYTES,
  byteWritten,
  markBytes,
  setSlot,
  spillAt,
  UNKNOWN_SCALAR,
  isPointer,
  pointerReg,
  regText,
  scalarReg,
  writableStack,
  MAX_VAR_OFF,
} from './state.js';

/** MAX_PACKET_OFF bounds how far past the chunk start a packet pointer may prove access (16 bits), as in Linux. */
export const MAX_PACKET_OFF = 0xffff;

/** AccessKind is what an instruction does to memory. */
export type AccessKind = 'read' | 'write' | 'atomic';

/** Access is one memory operation: base register, instruction offset, size and (for writes) the value. */
export interface Access {
  readonly kind: AccessKind;
  readonly baseNo: number;
  readonly off: number;
  readonly size: number;
  readonly signed: boolean;
  /** The value written (a register or an immediate as a scalar register). */
  readonly value?: Reg;
  readonly valueNo?: number;
}

/** sizedScalar is an unknown value loaded with `size` bytes (zero-extended unless signed). */
export function sizedScalar(size: number, signed: boolean): Reg {
  if (size === 8 || signed) return UNKNOWN_SCALAR;
  return ZERO_EXTENDED[size]!;
}

const ZERO_EXTENDED: Record<number, Reg> = {
  1: scalarReg(lasting(scalarRange(0n, 0xffn))),
  2: scalarReg(lasting(scalarRange(0n, 0xffffn))),
  4: scalarReg(lasting(scalarRange(0n, 0xffffffffn))),
};

/**
 * variableBounds returns the smallest and largest variable offset of a pointer, refusing when
 * they are not bounded well enough to prove anything.
 */
function variableBounds(reg: Reg, regNo: number): [number, number] {
  const v = reg.value;
  if (isConst(v)) return [Number(BigInt.asIntN(64, v.umin)), Number(BigInt.asIntN(64, v.umin))];
  if (v.smin < -MAX_VAR_OFF && reg.type !== 'stack' && v.smax <= MAX_VAR_OFF) {
    refuse(`R${regNo} min value is negative, either use unsigned index or do a if (index >=0) check. (var=${scalarText(v)})`);
  }
  if (v.smin < -MAX_VAR_OFF || v.smax > MAX_VAR_OFF) {
    refuse(`R${regNo} unbounded memory access, make sure to bounds check any such access (var=${scalarText(v)})`);
  }
  return [Number(v.smin), Number(v.smax)];
}

/** access checks one load, store or atomic through register `baseNo` and returns the loaded value (reads). */
export function access(env: Env, state: State, a: Access): Reg {
  const frame = state.frames[state.frames.length - 1]!;
  const base = frame.regs[a.baseNo]!;
  if (base.type === 'not_init') refuse(`R${a.baseNo} !read_ok`);
  if (!isPointer(base)) refuse(`R${a.baseNo} invalid mem access 'scalar'`);
  if (a.kind !== 'read' && a.value && isPointer(a.value) && base.type !== 'stack') {
    refuse(`R${a.valueNo} leaks addr into ${base.type === 'map_value' ? 'map' : base.type}`);
  }
  switch (base.type) {
    case 'ctx':
      return contextAccess(env, base, a);
    case 'stack':
      return stackAccess(env, state, base, a);
    case 'map_value':
      if (a.kind === 'atomic') checkAlignment(base, a, 'value ');
      return mapValueAccess(env, base, a);
    case 'mem':
      if (a.kind === 'atomic') checkAlignment(base, a, '');
      return boundedAccess(base, a, base.size, 'memory', 'mem_size');
    case 'pkt':
      return packetAccess(base, a);
    default:
      return refuse(`R${a.baseNo} invalid mem access '${base.type}'`);
  }
}

function contextAccess(env: Env, base: Reg, a: Access): Reg {
  const ctx = env.context;
  if (!isConst(base.value)) refuse(`variable ctx access var_off=${scalarText(base.value)} disallowed`);
  if (base.off !== 0) refuse(`dereference of modified ctx ptr R${a.baseNo} off=${base.off} disallowed`);
  if (a.kind !== 'read') refuse(`invalid bpf_context access off=${a.off} size=${a.size}: the context is read-only`);
  const field = contextField(ctx, a.off, a.size);
  if (!field || (a.signed && field.kind !== 'scalar')) {
    const near = ctx.fields.find((f) => a.off >= f.offset && a.off < f.offset + f.size);
    const hint = near ? ` (field ${near.name} is ${near.size} bytes at offset ${near.offset})` : ` (${ctx.name} has ${ctx.size} bytes)`;
    refuse(`invalid bpf_context access off=${a.off} size=${a.size}${hint}`);
  }
  switch (field.kind) {
    case 'data':
      return pointerReg('pkt');
    case 'data_end':
      return pointerReg('pkt_end');
    case 'data_meta':
      return pointerReg('pkt_meta');
    default:
      return sizedScalar(field.size, a.signed);
  }
}

function boundedAccess(base: Reg, a: Access, size: number, what: string, sizeName: string): Reg {
  const [vmin, vmax] = variableBounds(base, a.baseNo);
  const lo = base.off + a.off + vmin;
  const hi = base.off + a.off + vmax + a.size;
  if (lo < 0 && vmin < 0) {
    refuse(`R${a.baseNo} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  if (lo < 0 || hi > size) {
    refuse(`invalid access to ${what}, ${sizeName}=${size} off=${base.off + a.off}${vmin !== vmax ? ` var=[${vmin},${vmax}]` : ''} size=${a.size}`);
  }
  return sizedScalar(a.size, a.signed);
}

function mapValueAccess(env: Env, base: Reg, a: Access): Reg {
  const map = env.spec.maps[base.map]!;
  if (a.kind !== 'read' && map.readOnly) refuse(`write into map ${map.name} is not allowed: it is read-only`);
  return boundedAccess(base, a, map.valueSize, 'map value', 'value_size');
}

function packetAccess(base: Reg, a: Access): Reg {
  if (a.kind !== 'read') refuse(`R${a.baseNo} cannot write into packet: chunk data is read-only in Sluice`);
  const v = base.value;
  if (v.smin < 0n) refuse(`R${a.baseNo} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  if (v.umax > BigInt(MAX_PACKET_OFF)) refuse(`R${a.baseNo} unbounded memory access, make sure to bounds check any such access`);
  const off = base.off + a.off;
  if (off < 0 || off + a.size > base.range) {
    refuse(`invalid access to packet, off=${off} size=${a.size}, R${a.baseNo}(id=${base.id},off=${base.off},r=${base.range})`);
  }
  return sizedScalar(a.size, a.signed);
}

function stackAccess(env: Env, state: State, base: Reg, a: Access): Reg {
  const frame = state.frames[base.frame]!;
  checkAlignment(base, a, 'stack ');
  const [vmin, vmax] = variableBounds(base, a.baseNo);
  const lo = base.off + a.off + vmin;
  const hi = base.off + a.off + vmax + a.size;
  const variable = vmin !== vmax;
  if (lo < -STACK_SIZE || hi > 0) {
    refuse(`invalid ${variable ? 'variable-offset ' : ''}stack access off=${base.off + a.off}${variable ? ` var=[${vmin},${vmax}]` : ''} size=${a.size}`);
  }
  noteDepth(env, frame, -lo);
  const value = a.value;
  // Like Linux: no stack pointer may be stored into another function's frame (whichever frame it points into).
  if (a.kind === 'write' && value?.type === 'stack' && base.frame !== state.frames.length - 1) {
    refuse(`cannot spill pointers to stack into stack frame of the caller`);
  }
  if (a.kind !== 'write') {
    for (let i = lo; i < hi; i++) {
      if (!byteWritten(frame.stack, i + STACK_SIZE)) {
        refuse(`invalid read from stack R${a.baseNo} off ${base.off + a.off}${variable ? `+[${vmin},${vmax}]` : ''} size ${a.size}: byte fp${i} is uninitialised`);
      }
    }
  }
  if (a.kind === 'read') {
    const slot = (lo + STACK_SIZE) >> 3;
    const spilled = spillAt(frame.stack, slot);
    if (!variable && a.size === 8 && lo % 8 === 0 && spilled) return spilled;
    if (!variable) refuseFillOfPart(frame, lo, hi);
    return sizedScalar(a.size, a.signed);
  }
  if (a.kind === 'atomic') {
    for (let s = (lo + STACK_SIZE) >> 3; s <= (hi - 1 + STACK_SIZE) >> 3; s++) {
      const spilled = spillAt(frame.stack, s);
      if (spilled && isPointer(spilled)) refuse(`R${a.baseNo} atomic operation on a spilled pointer at fp${s * 8 - STACK_SIZE}`);
    }
    markWritten(frame, lo, hi, false);
    return UNKNOWN_SCALAR;
  }
  const wholeSlot = !variable && a.size === 8 && lo % 8 === 0;
  if (value && isPointer(value) && !wholeSlot) refuse('invalid size of register spill');
  if (wholeSlot && value && (isPointer(value) || value.type === 'scalar')) {
    const slot = (lo + STACK_SIZE) >> 3;
    setSlot(writableStack(frame), slot, ALL_BYTES, value);
    return UNKNOWN_SCALAR;
  }
  markWritten(frame, lo, hi, variable);
  return UNKNOWN_SCALAR;
}

/**
 * checkAlignment refuses an access whose address may not be a multiple of its size, as Linux does
 * for every stack access (so none can take part of a spilled register) and for every atomic.
 * `what` is Linux's word for the region ("stack ", "value ", or "" for plain memory).
 */
function checkAlignment(base: Reg, a: Access, what: string): void {
  if (a.size === 1) return;
  const known = base.value.tnum;
  const fixed = BigInt(base.off + a.off);
  const low = BigInt(a.size - 1);
  if (((known.value + fixed) & low) === 0n && (known.mask & low) === 0n) return;
  const variable = isConst(base.value) ? `${BigInt.asIntN(64, base.value.umin)}` : tnumText(known);
  refuse(`misaligned ${what}access off ${variable}+${base.off}+${a.off} size ${a.size}`);
}

/**
 * refuseFillOfPart refuses a fixed-offset read of bytes [lo, hi) below fp that takes part of a
 * spilled pointer (fewer bytes, or a misaligned 8): the value would be a scalar holding part of an
 * address. A partial write into a spilled pointer has already turned its slot into plain data (see
 * markWritten), so only whole, untouched spills reach here.
 */
function refuseFillOfPart(frame: Frame, lo: number, hi: number): void {
  for (let s = (lo + STACK_SIZE) >> 3; s <= (hi - 1 + STACK_SIZE) >> 3; s++) {
    const spilled = spillAt(frame.stack, s);
    if (spilled && isPointer(spilled)) refuse('invalid size of register fill');
  }
}

/** markWritten records a write of bytes [lo, hi) below fp (maybe only some of them, if `maybe`). */
function markWritten(frame: Frame, lo: number, hi: number, maybe: boolean): void {
  const stack = writableStack(frame);
  for (let s = (lo + STACK_SIZE) >> 3; s <= (hi - 1 + STACK_SIZE) >> 3; s++) {
    if (!spillAt(stack, s)) continue;
    // The spill's bytes stay written, now as plain data.
    setSlot(stack, s, ALL_BYTES, undefined);
  }
  if (!maybe) markBytes(stack, lo + STACK_SIZE, hi + STACK_SIZE);
}

/** noteDepth records that a frame's function uses `bytes` bytes of stack. */
export function noteDepth(env: Env, frame: Frame, bytes: number): void {
  const f = env.structure.functionOf[frame.entry]!;
  if (bytes > env.stackDepth[f]!) env.stackDepth[f] = bytes;
  if (bytes > frame.depth) frame.depth = bytes;
}

/**
 * checkMemoryArg checks that a helper may read (or write, if `writes`) `size` bytes (size range
 * [minSize, maxSize]) at pointer `reg`, and marks written stack bytes initialised.
 */
export function checkMemoryArg(env: Env, state: State, reg: Reg, regNo: number, minSize: number, maxSize: number, writes: boolean, what: string): void {
  const r = `R${regNo}`;
  const maps = env.spec.maps;
  if (maxSize === 0) return;
  switch (reg.type) {
    case 'stack': {
      const frame = state.frames[reg.frame]!;
      const [vmin, vmax] = variableBounds(reg, regNo);
      const lo = reg.off + vmin;
      const hi = reg.off + vmax + maxSize;
      if (lo < -STACK_SIZE || hi > 0) refuse(`invalid indirect access to stack ${r} off=${reg.off} size=${maxSize} (${what})`);
      noteDepth(env, frame, -lo);
      if (writes) {
        markWritten(frame, lo, hi, vmin !== vmax || minSize !== maxSize);
        return;
      }
      for (let i = lo; i < hi; i++) {
        if (!byteWritten(frame.stack, i + STACK_SIZE)) {
          refuse(`invalid indirect read from stack ${r} off ${reg.off}+${i - reg.off} size ${maxSize} (${what}): byte fp${i} is uninitialised`);
        }
      }
      return;
    }
    case 'map_value': {
      const map = maps[reg.map]!;
      if (writes && map.readOnly) refuse(`${r} points into read-only map ${map.name} (${what})`);
      boundedAccess(reg, { kind: 'read', baseNo: regNo, off: 0, size: maxSize, signed: false }, map.valueSize, 'map value', 'value_size');
      return;
    }
    case 'mem':
      boundedAccess(reg, { kind: 'read', baseNo: regNo, off: 0, size: maxSize, signed: false }, reg.size, 'memory', 'mem_size');
      return;
    case 'pkt':
      if (writes) refuse(`${r} cannot write into packet: chunk data is read-only in Sluice (${what})`);
      packetAccess(reg, { kind: 'read', baseNo: regNo, off: 0, size: maxSize, signed: false });
      return;
    default:
      refuse(`${r} type=${regText(reg, maps)} expected=stack, map_value, mem or pkt (${what})`);
  }
}

