// Memo of scalar results: the walk of a loop repeats the same operations on the same shared scalars, so each scalar remembers a few results.
// Invariants: a remembered result is a pure function of the scalar, the key and the other operand (all immutable), so
// a hit gives exactly what computing would; the memos of lasting scalars (cached constants, module constants) are
// dropped when a verification ends (forgetMemos), so nothing one program computed stays reachable afterwards; the
// other scalars die with the verification's states.
import type { Reg } from './state.js';
import type { Scalar } from './scalar.js';

/** Memo is one remembered result of an operation on the scalar that holds it, with `other` as second operand. */
export interface Memo {
  readonly key: number;
  readonly other: Scalar;
  readonly result: unknown;
  next: Memo | undefined;
}

/** ScalarCache is what a scalar remembers: its register (state.ts's scalarReg) and a few operation results. */
export interface ScalarCache {
  memo: Memo | undefined;
  reg: Reg | undefined;
  /** True for scalars that outlive a verification (cached constants, module constants): their memos are dropped at its end. */
  lasting: boolean;
}

/** MISS is recall's answer when nothing is remembered. */
export const MISS: unique symbol = Symbol('miss');
/** MEMO_LENGTH bounds each scalar's memo: the newest results stay. */
const MEMO_LENGTH = 8;
/** holders lists the lasting scalars that remember something, so forgetMemos can drop it all. */
let holders: ScalarCache[] = [];

/** recall returns the result remembered on `a` for `key` and `other`, or MISS. */
export function recall(a: ScalarCache, key: number, other: Scalar): unknown {
  for (let m = a.memo; m; m = m.next) if (m.key === key && m.other === other) return m.result;
  return MISS;
}

/** remember stores `result` on `a` for `key` and `other` (dropping its oldest result past MEMO_LENGTH) and returns it. */
export function remember<T>(a: ScalarCache, key: number, other: Scalar, result: T): T {
  if (a.lasting && a.memo === undefined && a.reg === undefined) holders.push(a);
  a.memo = { key, other, result, next: newest(a.memo, MEMO_LENGTH - 1) };
  return result;
}

/** rememberReg stores the register holding exactly `a` and returns it. */
export function rememberReg(a: ScalarCache, reg: Reg): Reg {
  if (a.lasting && a.memo === undefined && a.reg === undefined) holders.push(a);
  a.reg = reg;
  return reg;
}

/** newest returns the memo `m` cut to its `keep` newest entries. */
function newest(m: Memo | undefined, keep: number): Memo | undefined {
  let n = m;
  for (let i = 1; n && i < keep; i++) n = n.next;
  if (n) n.next = undefined;
  return m;
}

/** lasting marks `s` as outliving verifications (a module constant or a cache entry) and returns it. */
export function lasting<T extends ScalarCache>(s: T): T {
  s.lasting = true;
  return s;
}

/** forgetMemos drops every remembered result and register (at the end of a verification). */
export function forgetMemos(): void {
  for (const h of holders) {
    h.memo = undefined;
    h.reg = undefined;
  }
  holders = [];
}
