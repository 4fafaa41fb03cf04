// Emitted programs kept by key: the key tells apart every input that differs, a kept program is given back, and unkeyable inputs are emitted each time.
import { describe, expect, it } from 'vitest';
import type { ProgramSpec } from '../../src/asm/program.js';
import { specFromRecord, specToRecord } from '../../src/asm/spec-record.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { emitKey, memoized, type ProgramMemo } from '../../src/codegen/program-memo.js';
import { planQuery } from '../../src/sql/bind.js';
import { INTEGER, decimalType } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';

const catalog = memoryCatalog(csvTable('t', '/data/t.csv', [['a', INTEGER], ['b', decimalType(9, 2)], ['c', { kind: 'varchar', length: 8 }]]));
const plan = (sql: string) => planQuery(sql, catalog, { file: 'q.sql' });

/** recordingMemo is a ProgramMemo over a Map that counts its hits, passing programs through their stored text as the store does. */
function recordingMemo() {
  const kept = new Map<string, string>();
  const memo: ProgramMemo & { hits: number } = {
    hits: 0,
    get(key) {
      const text = kept.get(key);
      if (text !== undefined) memo.hits += 1;
      return text === undefined ? undefined : specFromRecord(text);
    },
    put(key, spec) {
      const text = specToRecord(spec);
      if (text !== undefined) kept.set(key, text);
    },
  };
  return { memo, kept };
}

describe('emitKey', () => {
  it('gives different keys to inputs that JSON alone would write alike', () => {
    const inputs: unknown[] = [1, '1', 1n, 's1', -0, 0, NaN, null, 'u', undefined, [undefined], [null], { a: undefined }, {}, new Uint8Array([1]), 'b01', [1, 2], [2, 1], { x: 1, y: 2 }, true, 'true'];
    const keys = inputs.map((input) => emitKey(input));
    expect(keys.every((key) => key !== undefined && /^[0-9a-f]{64}$/.test(key))).toBe(true);
    expect(new Set(keys).size).toBe(inputs.length);
    expect(emitKey({ plan: plan('select sum(b) from t where a > 3') })).toBe(emitKey({ plan: plan('select sum(b) from t where a > 3') }));
    expect(emitKey(plan('select sum(b) from t where a > 3'))).not.toBe(emitKey(plan('select sum(b) from t where a > 4')));
  });

  it('has no key for what it cannot write exactly: a Map, a class instance, a function, a Date', () => {
    for (const input of [new Map([[1, 2]]), { at: new Set([1]) }, [() => 1], new Date(0), Buffer.from('x'), { e: new Error('x') }]) expect(emitKey(input)).toBeUndefined();
  });
});

describe('memoized', () => {
  it('emits once per key and gives the kept program back', () => {
    const { memo } = recordingMemo();
    let emitted = 0;
    const spec: ProgramSpec = compileQuery(plan('select count(*) from t')).spec;
    const emit = () => {
      emitted += 1;
      return spec;
    };
    expect(memoized(memo, ['x', 1n], emit)).toBe(spec);
    expect(memoized(memo, ['x', 1n], emit)).toEqual(spec);
    expect(emitted).toBe(1);
    expect(memoized(memo, ['x', 2n], emit)).toBe(spec);
    expect(emitted).toBe(2);
    // Unkeyable inputs: emitted every time, never kept.
    memoized(memo, new Map(), emit);
    memoized(memo, new Map(), emit);
    expect(emitted).toBe(4);
  });

  it('makes compileQuery give the same program from the memo as it emits, and a new one when the query or an option differs', () => {
    const { memo, kept } = recordingMemo();
    for (const sql of ['select sum(b), count(*) from t where a between 2 and 9', "select c, min(a) from t where c like 'x%' group by c", 'select a, c from t where b > 1.5 limit 4']) {
      const fresh = compileQuery(plan(sql), { maxChunk: 512 });
      const first = compileQuery(plan(sql), { maxChunk: 512, programs: memo });
      const again = compileQuery(plan(sql), { maxChunk: 512, programs: memo });
      expect(first.spec).toEqual(fresh.spec);
      expect(again.spec).toEqual(fresh.spec);
      expect(again.mapRefs).toEqual(fresh.mapRefs);
    }
    expect(memo.hits).toBe(3);
    expect(kept.size).toBe(3);
    compileQuery(plan('select sum(b), count(*) from t where a between 2 and 9'), { maxChunk: 1024, programs: memo });
    compileQuery(plan('select c, min(a) from t where c like \'x%\' group by c'), { maxChunk: 512, maxGroups: 9, programs: memo });
    expect(memo.hits).toBe(3);
    expect(kept.size).toBe(5);
  });
});
