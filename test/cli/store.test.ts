// The CLI's program store: a second `sluice run` of the same program takes the stored verdict (and code) and says so; --no-cache does not; cluster nodes in worker threads use it too, with a V8 code cache of their own.
import { readdirSync, statSync } from 'node:fs';
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

describe('sluice query --nodes with the program store', () => {
  const QUERY = ['query', 'select l_returnflag, count(*), sum(l_quantity) from lineitem group by l_returnflag', '--data', 'test/cli/fixtures/tiny', '--nodes', '2', '--json'];
  /** codeCaches lists the store's V8 code caches with when each was written. */
  const codeCaches = () => {
    const [build] = readdirSync(join(CACHE_HOME, 'sluice')).filter((name) => name !== 'secret');
    const folder = join(CACHE_HOME, 'sluice', build!);
    return new Map(readdirSync(folder).filter((name) => name.startsWith('v8-')).map((name) => [name, statSync(join(folder, name)).mtimeMs]));
  };
  interface Reply { result: unknown; report: { nodes: { stats: { hook: { verifyCached: boolean } } }[] } }

  it('worker nodes take the stored verdict and start from their own code cache, which a second run reads without rewriting it', async () => {
    const before = codeCaches();
    const first = await sluice(QUERY);
    expect(first.code, first.stderr).toBe(0);
    const written = codeCaches();
    // The CLI's cache for `query` and the worker threads' cache (one for both nodes).
    expect([...written.keys()].filter((name) => !before.has(name))).toHaveLength(2);
    const second = await sluice(QUERY);
    expect(second.code, second.stderr).toBe(0);
    const [one, two] = [first, second].map((run) => JSON.parse(run.stdout) as Reply);
    expect(two?.result).toEqual(one?.result);
    expect(two?.report.nodes.map((node) => node.stats.hook.verifyCached)).toEqual([true, true]);
    // V8 accepted every cache: none was written again.
    expect(codeCaches()).toEqual(written);
  });
});
