// Abstract scalars: known bits, range arithmetic and branch refinement, checked against concrete values.
import { describe, expect, test } from 'vitest';
import { AluOp, JmpOp } from '../../src/asm/opcodes.js';
import { aluScalar, concrete } from '../../src/verifier/scalar-alu.js';
import { branchTaken, refine } from '../../src/verifier/scalar-branch.js';
import { SCALAR_UNKNOWN, isConst, make, scalarConst, scalarContains, scalarRange, type Scalar } from '../../src/verifier/scalar.js';
import { tnumAdd, tnumConst, tnumContains, tnumIntersect, tnumRange, type Tnum } from '../../src/verifier/tnum.js';

/** samples returns a few concrete members of a small range, to check abstract results against. */
function members(lo: bigint, hi: bigint): bigint[] {
  const out = new Set<bigint>([lo, hi, (lo + hi) / 2n]);
  for (let v = lo; v <= hi && out.size < 40; v += (hi - lo) / 17n + 1n) out.add(v);
  return [...out];
}

const holds = (s: Scalar, v: bigint) => scalarContains(s, scalarConst(v));

describe('tnum', () => {
  test('range covers its ends and adds constants exactly', () => {
    const t = tnumRange(16n, 31n);
    expect(tnumContains(t, tnumConst(16n)) && tnumContains(t, tnumConst(31n))).toBe(true);
    expect(tnumContains(t, tnumConst(32n))).toBe(false);
    expect(tnumAdd(tnumConst(40n), tnumConst(2n))).toEqual(tnumConst(42n));
  });
});

describe('ALU on ranges contains every concrete result', () => {
  const ops = [AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.MOD, AluOp.AND, AluOp.OR, AluOp.XOR, AluOp.LSH, AluOp.RSH, AluOp.ARSH];
  const pairs: [bigint, bigint, bigint, bigint][] = [
    [0n, 255n, 3n, 3n],
    [10n, 20n, 0n, 5n],
    [0n, 0xffffffffn, 1n, 7n],
    [BigInt.asUintN(64, -5n), BigInt.asUintN(64, -1n), 2n, 2n],
  ];
  test.each(ops.map((op) => [op]))('op %i', (op) => {
    for (const is64 of [true, false]) {
      for (const [alo, ahi, blo, bhi] of pairs) {
        const abstract = aluScalar(op, scalarRange(alo, ahi), scalarRange(blo, bhi), is64, 0, 0, 0);
        for (const a of members(alo, ahi)) {
          for (const b of members(blo, bhi)) {
            const v = concrete(op, a, b, is64, 0, 0);
            expect(holds(abstract, v), `op ${op} ${a} ${b} is64=${is64} -> ${v}`).toBe(true);
          }
        }
      }
    }
  });

  test('a byte minus 48 keeps a signed range, as the anchor needs', () => {
    const r = aluScalar(AluOp.ADD, scalarRange(0n, 255n), scalarConst(-48n), true, 0, 0, 0);
    expect([r.smin, r.smax]).toEqual([-48n, 207n]);
  });
});

describe('branches', () => {
  test('decide what ranges settle and refine both sides of what they do not', () => {
    const byte = scalarRange(0n, 255n);
    expect(branchTaken(JmpOp.JGT, byte, scalarConst(255n), true)).toBe(0);
    expect(branchTaken(JmpOp.JLE, byte, scalarConst(255n), true)).toBe(1);
    expect(branchTaken(JmpOp.JGT, byte, scalarConst(9n), true)).toBe(-1);
    const [low] = refine(JmpOp.JLE, byte, scalarConst(9n), true)!;
    expect([low.umin, low.umax]).toEqual([0n, 9n]);
    const [high] = refine(JmpOp.JGT, byte, scalarConst(9n), true)!;
    expect([high.umin, high.umax]).toEqual([10n, 255n]);
    expect(refine(JmpOp.JGT, byte, scalarConst(255n), true)).toBeUndefined();
  });

  test('equality pins a value; inequality trims an end', () => {
    const [eq] = refine(JmpOp.JEQ, SCALAR_UNKNOWN, scalarConst(7n), true)!;
    expect(isConst(eq) && eq.umin === 7n).toBe(true);
    const [ne] = refine(JmpOp.JNE, scalarRange(0n, 7n), scalarConst(7n), true)!;
    expect(ne.umax).toBe(6n);
  });

  test('32-bit jumps refine only values known to fit in 32 bits', () => {
    const [fits] = refine(JmpOp.JGT, scalarRange(0n, 0xffffffffn), scalarConst(7n), false, true)!;
    expect(fits.umin).toBe(8n);
    const [wide] = refine(JmpOp.JLE, SCALAR_UNKNOWN, scalarConst(7n), false)!;
    expect(wide).toBe(SCALAR_UNKNOWN);
    expect(branchTaken(JmpOp.JEQ, scalarConst(0x100000005n), scalarConst(5n), false)).toBe(1);
  });
});

describe('bounds tightening', () => {
  const U64 = (1n << 64n) - 1n;
  const SIGN = 1n << 63n;
  const asS = (v: bigint) => BigInt.asIntN(64, v);
  const asU = (v: bigint) => BigInt.asUintN(64, v);
  const max = (a: bigint, b: bigint) => (a > b ? a : b);
  const min = (a: bigint, b: bigint) => (a < b ? a : b);

  /** referenceMake is Linux's reg_bounds_sync in BigInt arithmetic throughout: two rounds of tightening. */
  function referenceMake(umin: bigint, umax: bigint, smin: bigint, smax: bigint, t: Tnum): Scalar | undefined {
    if (t.mask === 0n) {
      const v = t.value;
      return v >= umin && v <= umax && asS(v) >= smin && asS(v) <= smax ? scalarConst(v) : undefined;
    }
    for (let round = 0; round < 2; round++) {
      umin = max(umin, t.value);
      umax = min(umax, t.value | t.mask);
      smin = max(smin, asS(t.value | (t.mask & SIGN)));
      smax = min(smax, asS(t.value | (t.mask & ~SIGN & U64)));
      if (smin >= 0n || smax < 0n) {
        umin = max(umin, asU(smin));
        umax = min(umax, asU(smax));
      }
      if (umin <= umax && asS(umin) <= asS(umax)) {
        smin = max(smin, asS(umin));
        smax = min(smax, asS(umax));
      }
      if (umin > umax || smin > smax) return undefined;
      if (umin === umax) return scalarConst(umin);
      t = tnumIntersect(t, tnumRange(umin, umax));
    }
    return { umin, umax, smin, smax, tnum: t, memo: undefined, reg: undefined, lasting: false };
  }

  /** pick draws a 64-bit value from a seeded generator, favouring the edges make's fast path decides on. */
  function picker(seed: number): () => bigint {
    let x = seed;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    const edges = [0n, 1n, 255n, 0x7fffffffn, 0xffffffffn, 0x100000000n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n];
    return () => {
      const r = next() % 4;
      if (r === 0) return edges[next() % edges.length]!;
      if (r === 1) return BigInt(next() % 4096);
      if (r === 2) return BigInt(next());
      return (BigInt(next()) << 32n) | BigInt(next());
    };
  }

  test('the plain-number path of make gives exactly what the BigInt path gives', () => {
    const pick = picker(7);
    let small = 0;
    let defined = 0;
    for (let i = 0; i < 20_000; i++) {
      const [a, b, c, d] = [pick(), pick(), asS(pick()), asS(pick())];
      const mask = i % 3 === 0 ? pick() & 0xffffffffn : pick();
      const tnum = { value: pick() & ~mask & U64, mask };
      if ((tnum.value | tnum.mask) <= 0xffffffffn && tnum.mask !== 0n) small++;
      const [umin, umax] = a <= b ? [a, b] : [b, a];
      const [smin, smax] = c <= d ? [c, d] : [d, c];
      const expected = referenceMake(umin, umax, smin, smax, tnum);
      if (expected && !isConst(expected)) defined++;
      expect(make(umin, umax, smin, smax, tnum), `${umin} ${umax} ${smin} ${smax} ${tnum.value} ${tnum.mask}`).toEqual(expected);
    }
    expect(small).toBeGreaterThan(2000);
    expect(defined).toBeGreaterThan(2000);
  });
});
