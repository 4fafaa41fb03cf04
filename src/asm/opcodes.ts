// Opcode fields of the eBPF instruction set (RFC 9669 and the Linux ISA v4), as named constants.

/**
 * An opcode byte is split into fields that depend on the class (low 3 bits):
 *
 *   ALU / ALU64 / JMP / JMP32        LD / LDX / ST / STX
 *   +--------+-----+-------+         +------+------+-------+
 *   | op (4) | s(1)| cls(3)|         |mode 3|size 2| cls(3)|
 *   +--------+-----+-------+         +------+------+-------+
 *   s: source, K (imm) = 0, X (register) = 8
 */
export const CLASS_MASK = 0x07;
export const SOURCE_MASK = 0x08;
export const OP_MASK = 0xf0;
export const MODE_MASK = 0xe0;
export const SIZE_MASK = 0x18;

/** Instruction classes. */
export const Class = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  JMP32: 0x06,
  ALU64: 0x07,
} as const;

/** Operand source: the immediate (K) or the src register (X). */
export const Source = { K: 0x00, X: 0x08 } as const;

/** Arithmetic operations (ALU and ALU64 classes). */
export const AluOp = {
  ADD: 0x00,
  SUB: 0x10,
  MUL: 0x20,
  DIV: 0x30, // offset 1: SDIV
  OR: 0x40,
  AND: 0x50,
  LSH: 0x60,
  RSH: 0x70,
  NEG: 0x80,
  MOD: 0x90, // offset 1: SMOD
  XOR: 0xa0,
  MOV: 0xb0, // offset 8/16/32 with source X: MOVSX
  ARSH: 0xc0,
  END: 0xd0, // ALU: source bit selects TO_LE (0) or TO_BE (8); ALU64: unconditional BSWAP
} as const;

/** Jump operations (JMP and JMP32 classes). */
export const JmpOp = {
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  JNE: 0x50,
  JSGT: 0x60,
  JSGE: 0x70,
  CALL: 0x80,
  EXIT: 0x90,
  JLT: 0xa0,
  JLE: 0xb0,
  JSLT: 0xc0,
  JSLE: 0xd0,
} as const;

/** Memory access modes (load and store classes). */
export const Mode = {
  IMM: 0x00, // lddw (64-bit immediate, two slots)
  ABS: 0x20, // legacy packet access: refused by Sluice
  IND: 0x40, // legacy packet access: refused by Sluice
  MEM: 0x60,
  MEMSX: 0x80, // sign-extending loads (LDX only)
  ATOMIC: 0xc0, // STX only
} as const;

/** Access sizes. */
export const Size = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;

/** Bytes per access size field value. */
export function sizeBytes(size: number): 1 | 2 | 4 | 8 {
  switch (size & SIZE_MASK) {
    case Size.B:
      return 1;
    case Size.H:
      return 2;
    case Size.W:
      return 4;
    default:
      return 8;
  }
}

/** Atomic operations, carried in the immediate of STX|ATOMIC. */
export const AtomicOp = {
  ADD: 0x00,
  OR: 0x40,
  AND: 0x50,
  XOR: 0xa0,
  FETCH: 0x01,
  XCHG: 0xe0 | 0x01,
  CMPXCHG: 0xf0 | 0x01,
} as const;

/** The immediates an atomic instruction may carry. */
export const VALID_ATOMIC_IMMS: ReadonlySet<number> = new Set([
  AtomicOp.ADD,
  AtomicOp.OR,
  AtomicOp.AND,
  AtomicOp.XOR,
  AtomicOp.ADD | AtomicOp.FETCH,
  AtomicOp.OR | AtomicOp.FETCH,
  AtomicOp.AND | AtomicOp.FETCH,
  AtomicOp.XOR | AtomicOp.FETCH,
  AtomicOp.XCHG,
  AtomicOp.CMPXCHG,
]);

/** Values of the src field of `lddw` (Linux's BPF_PSEUDO_* constants). */
export const PseudoSrc = {
  NONE: 0, // plain 64-bit constant
  MAP_FD: 1, // imm = map index: loads a map reference
  MAP_VALUE: 2, // imm = map index, second imm = offset: loads a pointer into the map's value (global data)
  BTF_ID: 3,
  FUNC: 4, // imm = relative instruction offset of a sub-program (bpf_loop callbacks)
  MAP_IDX: 5,
  MAP_IDX_VALUE: 6,
} as const;

/** Values of the src field of `call`. */
export const CallSrc = { HELPER: 0, LOCAL: 1, KFUNC: 2 } as const;

/** The opcode of `lddw`: LD | IMM | DW. */
export const LDDW = Class.LD | Mode.IMM | Size.DW;
/** The opcode of `exit`. */
export const EXIT = Class.JMP | JmpOp.EXIT;
/** The opcode of `call imm` (helper or local). */
export const CALL = Class.JMP | JmpOp.CALL;
/** The opcode of `callx reg`. */
export const CALLX = Class.JMP | JmpOp.CALL | Source.X;

/** FRAME_POINTER is r10, the read-only frame pointer and the highest register (typed registers: R0..R10 in builder.ts). */
export const FRAME_POINTER = 10;

/** Linux XDP return codes, reused by Sluice's hook. */
export const XdpAction = { ABORTED: 0, DROP: 1, PASS: 2, TX: 3, REDIRECT: 4 } as const;
