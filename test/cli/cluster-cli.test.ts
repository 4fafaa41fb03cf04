// Acceptance tests of the cluster commands as a user runs them: `sluice serve` on a random local port, bad requests, stopping it; `sluice model`; early workers with a bad --data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_HOME, CLI, ensureBuilt, PROJECT_ROOT, sluice } from './run-cli.js';

const TINY = 'test/cli/fixtures/tiny';
const SQL = 'select l_returnflag, count(*), sum(l_quantity) from lineitem group by l_returnflag';

let scratch = '';
beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'sluice-cluster-cli-'));
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** startServe starts `sluice serve` on port 0 (with the tests' program store) and resolves with the process and the address it printed. */
function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data', TINY, '--port', '0'], { cwd: PROJECT_ROOT, env: { ...process.env, XDG_CACHE_HOME: CACHE_HOME } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.on('exit', (code) => reject(new Error(`sluice serve exited (${code}) before listening: ${out}`)));
  });
}

/** call sends one HTTP request and resolves with the status and body (an error if the connection fails). */
function call(url: string, method: string, path: string, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('sluice serve', () => {
  it('answers `query --nodes http://...` as one node does, refuses bad requests, and stops on SIGTERM', async () => {
    const { child, url } = await startServe();
    try {
      const [single, remote] = await Promise.all([sluice(['query', SQL, '--data', TINY]), sluice(['query', SQL, '--data', TINY, '--nodes', `${url},${url}`])]);
      expect(remote.code, remote.stderr).toBe(0);
      const answer = (text: string) => text.slice(0, text.indexOf('(3 rows)'));
      expect(answer(remote.stdout)).toBe(answer(single.stdout));
      expect(remote.stdout).toContain('2 storage nodes, 5 rows');

      const garbage = await call(url, 'POST', '/run', Buffer.from('not a program message'));
      expect(garbage.status).toBe(400);
      expect(garbage.text).toMatch(/program message/);
      const outside = await call(url, 'GET', `/lines?file=${encodeURIComponent('../../package.json')}&end=1`);
      expect(outside.status).toBe(403);
      expect(outside.text).toMatch(/outside the node's data directory/);
      expect((await call(url, 'GET', '/nowhere')).status).toBe(404);
      // Still serving after the bad requests.
      expect((await sluice(['query', SQL, '--data', TINY, '--nodes', url])).code).toBe(0);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('keeps verified programs in the program store: a restarted server does not verify a program again, and says so', async () => {
    const query = ['query', 'select count(*), min(l_quantity) from lineitem where l_quantity > 1', '--data', TINY, '--json'];
    const verifiedFromCache = async () => {
      const { child, url } = await startServe();
      try {
        const run = await sluice([...query, '--nodes', url]);
        expect(run.code, run.stderr).toBe(0);
        return (JSON.parse(run.stdout) as { report: { nodes: { stats: { hook: { verifyCached: boolean } } }[] } }).report.nodes.map((node) => node.stats.hook.verifyCached);
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    };
    // A program this store has not seen is verified; the next server process takes the verdict from the store.
    expect(await verifiedFromCache()).toEqual([false]);
    expect(await verifiedFromCache()).toEqual([true]);
  });

  it('refuses a --data that is not a directory with one sentence', async () => {
    const run = await sluice(['serve', '--data', join(scratch, 'missing'), '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --data .*missing is not a directory\n$/);
  });
});

describe('sluice model', () => {
  it('projects pushdown and ship-all from rates measured here, as text and JSON', async () => {
    const [text, json] = await Promise.all([
      sluice(['model', SQL, '--data', TINY, '--nodes', '4']),
      sluice(['model', SQL, '--data', TINY, '--json', '--table-size', '1TB']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^rates measured on .*lineitem\.csv/);
    expect(text.stdout).toMatch(/cluster: 4 storage nodes x 64 SSDs/);
    expect(text.stdout).toMatch(/^ {2}pushdown +\S+ \S+ +bound by /m);
    expect(text.stdout).toMatch(/^ {2}ship-all \(csv-parse\) +\S+ \S+ +bound by /m);
    const model = JSON.parse(json.stdout) as { shape: { tableBytes: number }; projections: { path: string; seconds: number; bound: string }[] };
    expect(model.shape.tableBytes).toBe(1e12);
    expect(model.projections.map((p) => p.path)).toEqual(expect.arrayContaining(['pushdown', 'ship-all (csv-parse)', 'ship-all (program)']));
    for (const p of model.projections) expect(p.seconds).toBeGreaterThan(0);
  });

  it('refuses a bad --config file naming the file and the field', async () => {
    const config = join(scratch, 'cluster.json');
    writeFileSync(config, '{"nodes": 0}');
    const zero = await sluice(['model', SQL, '--data', TINY, '--config', config]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(`error: --config ${config}: 'nodes' must be a positive number, got 0\n`);
    writeFileSync(config, '{"nodez": 4}');
    expect((await sluice(['model', SQL, '--data', TINY, '--config', config])).stderr).toMatch(/unknown field 'nodez'/);
    writeFileSync(config, '{nodes');
    expect((await sluice(['model', SQL, '--data', TINY, '--config', config])).stderr).toMatch(/not valid JSON/);
  });
});

describe('sluice query --nodes', () => {
  it('with a --data that is not a directory fails in one sentence and leaves no worker running', async () => {
    const run = await sluice(['query', SQL, '--data', join(scratch, 'missing'), '--nodes', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --data .*missing is not a directory\n$/);
  });
});
