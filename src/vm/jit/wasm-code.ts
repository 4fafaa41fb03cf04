// A function body writer: typed shorthands for the WebAssembly instructions the JIT emits.
import { ByteWriter } from './wasm-bytes.js';
import { BLOCK_VOID, I64_TRUNC_SAT_F64_S, MISC_PREFIX, Op } from './wasm-opcodes.js';

/** Code writes one function body; each method appends one instruction (or a short fixed idiom). */
export class Code extends ByteWriter {
  /** op appends a bare opcode. */
  op(opcode: number): this {
    return this.byte(opcode);
  }

  /** get appends local.get. */
  get(local: number): this {
    return this.byte(Op.local_get).u32(local);
  }

  /** set appends local.set. */
  set(local: number): this {
    return this.byte(Op.local_set).u32(local);
  }

  /** tee appends local.tee. */
  tee(local: number): this {
    return this.byte(Op.local_tee).u32(local);
  }

  /** globalGet appends global.get. */
  globalGet(global: number): this {
    return this.byte(Op.global_get).u32(global);
  }

  /** globalSet appends global.set. */
  globalSet(global: number): this {
    return this.byte(Op.global_set).u32(global);
  }

  /** i32 appends i32.const. */
  i32(value: number): this {
    return this.byte(Op.i32_const).s32(value);
  }

  /** i64 appends i64.const (a number is taken as a signed 32-bit value). */
  i64(value: bigint | number): this {
    this.byte(Op.i64_const);
    // A value in the signed 32-bit range has the same LEB128 bytes as an i32: number arithmetic, no BigInt per constant.
    if (typeof value === 'number') return this.s32(value);
    return value >= -0x8000_0000n && value <= 0x7fff_ffffn ? this.s32(Number(value)) : this.s64(value);
  }

  /** call appends a direct call. */
  call(functionIndex: number): this {
    return this.byte(Op.call).u32(functionIndex);
  }

  /** callIndirect appends call_indirect through table 0 with the given type. */
  callIndirect(typeIndex: number): this {
    return this.byte(Op.call_indirect).u32(typeIndex).u32(0);
  }

  /** block, loop and ifThen open a void structured instruction; `end` closes it. */
  block(): this {
    return this.byte(Op.block).byte(BLOCK_VOID);
  }

  loop(): this {
    return this.byte(Op.loop).byte(BLOCK_VOID);
  }

  ifThen(): this {
    return this.byte(Op.if).byte(BLOCK_VOID);
  }

  /** ifResult opens an `if` whose arms each leave one value of the given type. */
  ifResult(type: number): this {
    return this.byte(Op.if).byte(type);
  }

  else(): this {
    return this.byte(Op.else);
  }

  end(): this {
    return this.byte(Op.end);
  }

  /** br and brIf branch to the label `depth` levels out. */
  br(depth: number): this {
    return this.byte(Op.br).u32(depth);
  }

  brIf(depth: number): this {
    return this.byte(Op.br_if).u32(depth);
  }

  /** brTable appends br_table with its targets and default depth. */
  brTable(depths: readonly number[], fallback: number): this {
    this.byte(Op.br_table).u32(depths.length);
    for (const d of depths) this.u32(d);
    return this.u32(fallback);
  }

  /** mem appends a load or store with alignment hint 0 and a static offset. */
  mem(opcode: number, offset = 0): this {
    return this.byte(opcode).u32(0).u32(offset);
  }

  /** truncSatF64ToI64 appends i64.trunc_sat_f64_s. */
  truncSatF64ToI64(): this {
    return this.byte(MISC_PREFIX).u32(I64_TRUNC_SAT_F64_S);
  }
}
