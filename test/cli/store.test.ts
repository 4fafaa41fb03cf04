// The CLI's program store: a second `sluice run` of the same program takes the stored verdict (and code) and says so; --no-cache does not.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CACHE_HOME, ensureBuilt, sluice } from './run-cli.js';

const PEOPLE = 'test/fixtures/storage/people.csv';
const RUN = ['run', 'examples/filter-sum.s', '--file', PEOPLE];

beforeAll(() => ensureBuilt());

describe('sluice run with the program store', () => {
  it('verifies once, then reports "verified (cached)" with the same output; --no-cache verifies again', async () => {
    const first = await sluice(RUN);
    const second = await sluice(RUN);
    const fresh = await sluice([...RUN, '--no-cache']);
    expect([first.code, second.code, fresh.code]).toEqual([0, 0, 0]);
    expect(first.stdout).toMatch(/\nverified and loaded in [\d.]+ ms\n/);
    expect(second.stdout).toMatch(/\nverified \(cached\) and loaded in [\d.]+ ms\n/);
    expect(fresh.stdout).toMatch(/\nverified and loaded in [\d.]+ ms\n/);
    const withoutTimes = (text: string) => text.replace(/\d+\.\d ms/g, '').replace(' (cached)', '');
    expect(withoutTimes(second.stdout)).toBe(withoutTimes(first.stdout));
    const [build] = readdirSync(join(CACHE_HOME, 'sluice')).filter((name) => name !== 'secret');
    // The verdict, the JIT's code, and V8's code cache of the CLI for `run`.
    expect(readdirSync(join(CACHE_HOME, 'sluice', build!)).map((name) => name.split('-')[0]).sort()).toEqual(['jit', 'v8', 'verdict']);
  });
});
