// A function body writer: typed shorthands for the WebAssembly instructions the JIT emits.
import { ByteWriter } from './wasm-bytes.js';
import { BLOCK_VOID, I64_TRUNC_SAT_F64_S, MISC_PREFIX, Op } from './wasm-opcodes.js';

/**
 * Code writes one function body; each method appends one instruction (or a short fixed idiom).
 * The JIT writes every byte of every module through these, mostly in a fresh process before V8
 * has compiled them: an instruction whose immediate fits one LEB128 byte (locals, label depths,
 * small constants: nearly all) is written here in one step, not through byte() and u32() per byte.
 */
export class Code extends ByteWriter {
  /** op appends a bare opcode. */
  op(opcode: number): this {
    if (this.used === this.buffer.length) this.grow(1);
    this.buffer[this.used++] = opcode;
    return this;
  }

  /** get appends local.get. */
  get(local: number): this {
    return this.opU32(Op.local_get, local);
  }

  /** set appends local.set. */
  set(local: number): this {
    return this.opU32(Op.local_set, local);
  }

  /** tee appends local.tee. */
  tee(local: number): this {
    return this.opU32(Op.local_tee, local);
  }

  /** globalGet appends global.get. */
  globalGet(global: number): this {
    return this.opU32(Op.global_get, global);
  }

  /** globalSet appends global.set. */
  globalSet(global: number): this {
    return this.opU32(Op.global_set, global);
  }

  /** i32 appends i32.const. */
  i32(value: number): this {
    return this.opS32(Op.i32_const, value);
  }

  /** i64 appends i64.const (a number is taken as a signed 32-bit value). */
  i64(value: bigint | number): this {
    // A value in the signed 32-bit range has the same LEB128 bytes as an i32: number arithmetic, no BigInt per constant.
    if (typeof value === 'number') return this.opS32(Op.i64_const, value);
    if (value >= -0x8000_0000n && value <= 0x7fff_ffffn) return this.opS32(Op.i64_const, Number(value));
    return this.byte(Op.i64_const).s64(value);
  }

  /** call appends a direct call. */
  call(functionIndex: number): this {
    return this.opU32(Op.call, functionIndex);
  }

  /** callIndirect appends call_indirect through table 0 with the given type. */
  callIndirect(typeIndex: number): this {
    return this.byte(Op.call_indirect).u32(typeIndex).u32(0);
  }

  /** block, loop and ifThen open a void structured instruction; `end` closes it. */
  block(): this {
    return this.pair(Op.block, BLOCK_VOID);
  }

  loop(): this {
    return this.pair(Op.loop, BLOCK_VOID);
  }

  ifThen(): this {
    return this.pair(Op.if, BLOCK_VOID);
  }

  /** ifResult opens an `if` whose arms each leave one value of the given type. */
  ifResult(type: number): this {
    return this.pair(Op.if, type);
  }

  else(): this {
    return this.byte(Op.else);
  }

  end(): this {
    return this.byte(Op.end);
  }

  /** br and brIf branch to the label `depth` levels out. */
  br(depth: number): this {
    return this.opU32(Op.br, depth);
  }

  brIf(depth: number): this {
    return this.opU32(Op.br_if, depth);
  }

  /** brTable appends br_table with its targets and default depth. */
  brTable(depths: readonly number[], fallback: number): this {
    this.byte(Op.br_table).u32(depths.length);
    for (const d of depths) this.u32(d);
    return this.u32(fallback);
  }

  /** mem appends a load or store with alignment hint 0 and a static offset. */
  mem(opcode: number, offset = 0): this {
    if (offset >>> 0 >= 0x80) return this.byte(opcode).u32(0).u32(offset);
    if (this.used + 3 > this.buffer.length) this.grow(3);
    const buffer = this.buffer;
    buffer[this.used] = opcode;
    buffer[this.used + 1] = 0;
    buffer[this.used + 2] = offset;
    this.used += 3;
    return this;
  }

  /** pair appends two bytes (both below 256). */
  private pair(first: number, second: number): this {
    if (this.used + 2 > this.buffer.length) this.grow(2);
    this.buffer[this.used] = first;
    this.buffer[this.used + 1] = second;
    this.used += 2;
    return this;
  }

  /** opU32 appends an opcode and its unsigned LEB128 immediate. */
  private opU32(opcode: number, value: number): this {
    if (value >>> 0 < 0x80) return this.pair(opcode, value);
    return this.byte(opcode).u32(value);
  }

  /** opS32 appends an opcode and its signed LEB128 immediate (one byte from -64 to 63). */
  private opS32(opcode: number, value: number): this {
    if (value >= -0x40 && value < 0x40) return this.pair(opcode, value & 0x7f);
    return this.byte(opcode).s32(value);
  }

  /** truncSatF64ToI64 appends i64.trunc_sat_f64_s. */
  truncSatF64ToI64(): this {
    return this.byte(MISC_PREFIX).u32(I64_TRUNC_SAT_F64_S);
  }
}
