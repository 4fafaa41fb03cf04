// The program store: verdicts and JIT code survive the process, and a record Sluice did not write itself is never trusted.
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ProgramSpec } from '../../src/asm/program.js';
import { Link } from '../../src/net/link.js';
import { StorageNode } from '../../src/storage/node.js';
import { ProgramStore } from '../../src/storage/program-store.js';
import { runPushdown } from '../../src/storage/pushdown.js';
import { programKey } from '../../src/storage/verified-cache.js';
import * as verifyHook from '../../src/storage/verify-hook.js';
import { VerifierError } from '../../src/verifier/index.js';
import { dataDirWith, decodeFilterSum, filterSumProgram, peopleVariants } from './filter-sum-helpers.js';

const BUILD = 'ab'.repeat(32);
const KEY = 'cd'.repeat(32);
const scratch = mkdtempSync(join(tmpdir(), 'sluice-store-'));
const dataDir = dataDirWith({ 'people.csv': peopleVariants()['people.csv']! });
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

let stores = 0;
/** freshDir is a new, empty store folder. */
function freshDir(): string {
  return join(scratch, `store-${stores++}`);
}

function open(dir: string, build = BUILD): ProgramStore {
  const store = ProgramStore.open(dir, build);
  if (!store) throw new Error(`the store in ${dir} did not open`);
  return store;
}

/** unsafeVariant moves filter-sum's first context load 4 KiB past the context: the verifier refuses it. */
function unsafeVariant(spec: ProgramSpec): ProgramSpec {
  const at = spec.insns.findIndex((insn) => (insn.opcode & 0x07) === 0x01 && insn.src === 1);
  return { ...spec, insns: spec.insns.map((insn, i) => (i === at ? { ...insn, offset: 4096 } : insn)) };
}

async function answer(node: StorageNode, spec = filterSumProgram()) {
  const run = await runPushdown({ node, link: new Link(), file: 'people.csv', spec });
  return { ...decodeFilterSum(run.maps), cached: run.stats.hook.verifyCached };
}

describe('program store', () => {
  it('gives back what was put, for the same kind, key and build only', () => {
    const dir = freshDir();
    const store = open(dir);
    store.put('verdict', KEY, new Uint8Array([1, 2, 3]));
    expect([...(open(dir).get('verdict', KEY) ?? [])]).toEqual([1, 2, 3]);
    expect(store.get('jit', KEY)).toBeUndefined();
    expect(store.get('verdict', 'ef'.repeat(32))).toBeUndefined();
    // Another build sees nothing, and clears the old build's records away.
    expect(open(dir, 'ef'.repeat(32)).get('verdict', KEY)).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['ef'.repeat(32), 'secret']);
  });

  it('ignores a record that was changed, cut short, moved to another key or signed with another secret', () => {
    const dir = freshDir();
    const store = open(dir);
    const payload = new Uint8Array(100).fill(7);
    store.put('verdict', KEY, payload);
    const file = join(dir, BUILD, `verdict-${KEY}`);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[good.length - 1] ^= 1;
    writeFileSync(file, flipped);
    expect(store.get('verdict', KEY)).toBeUndefined();
    writeFileSync(file, good.subarray(0, 40));
    expect(store.get('verdict', KEY)).toBeUndefined();
    writeFileSync(file, good);
    expect(store.get('verdict', KEY)).toEqual(payload);
    copyFileSync(file, join(dir, BUILD, `jit-${KEY}`));
    expect(store.get('jit', KEY)).toBeUndefined();
    const other = freshDir();
    open(other).put('verdict', KEY, payload);
    copyFileSync(join(other, BUILD, `verdict-${KEY}`), file);
    expect(store.get('verdict', KEY)).toBeUndefined();
  });

  it('is not used when others could swap its secret or read it', () => {
    const writable = freshDir();
    open(writable);
    chmodSync(writable, 0o777);
    expect(ProgramStore.open(writable, BUILD)).toBeUndefined();
    const readable = freshDir();
    open(readable);
    chmodSync(join(readable, 'secret'), 0o644);
    expect(ProgramStore.open(readable, BUILD)).toBeUndefined();
    expect(ProgramStore.open(freshDir(), '../escape')).toBeUndefined();
  });

  it('lets a new node take the verdict and code another node stored, with the same answer', async () => {
    const dir = freshDir();
    const verify = vi.spyOn(verifyHook, 'verifyForHook');
    const first = await answer(new StorageNode({ dataDir, engine: 'jit', store: open(dir) }));
    const second = await answer(new StorageNode({ dataDir, engine: 'jit', store: open(dir) }));
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockRestore();
    expect(first).toEqual({ sum: 387n, count: 4n, cached: false });
    expect(second).toEqual({ sum: 387n, count: 4n, cached: true });
    expect(readdirSync(join(dir, BUILD)).map((name) => name.split('-')[0]).sort()).toEqual(['jit', 'verdict']);
  });

  it('verifies again when a stored record was tampered with, and never runs a program on a forged verdict', async () => {
    const dir = freshDir();
    const spec = filterSumProgram();
    await answer(new StorageNode({ dataDir, engine: 'jit', store: open(dir) }), spec);
    for (const name of readdirSync(join(dir, BUILD))) {
      const file = join(dir, BUILD, name);
      const bytes = readFileSync(file);
      bytes[40] ^= 0x20;
      writeFileSync(file, bytes);
    }
    const verify = vi.spyOn(verifyHook, 'verifyForHook');
    expect(await answer(new StorageNode({ dataDir, engine: 'jit', store: open(dir) }), spec)).toEqual({ sum: 387n, count: 4n, cached: false });
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockRestore();
    // A verdict for the unsafe variant, written by a store with another secret and put where this store looks.
    const unsafe = unsafeVariant(spec);
    const forger = freshDir();
    const verdict = readFileSync(join(dir, BUILD, `verdict-${programKey(spec)}`)).subarray(32);
    open(forger).put('verdict', programKey(unsafe), verdict);
    copyFileSync(join(forger, BUILD, `verdict-${programKey(unsafe)}`), join(dir, BUILD, `verdict-${programKey(unsafe)}`));
    await expect(answer(new StorageNode({ dataDir, engine: 'jit', store: open(dir) }), unsafe)).rejects.toThrow(VerifierError);
  });
});
