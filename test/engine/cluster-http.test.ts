// `sluice serve` nodes over HTTP/1.1 on 127.0.0.1: a cluster query answers like one node; bad requests get clear HTTP errors and the server keeps serving.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery, planAndCompile } from '../../src/engine/execute.js';
import { HttpNode } from '../../src/storage/http-node.js';
import { MAX_REQUEST_BYTES, startNodeServer, type RunningServer } from '../../src/storage/node-server.js';
import { encodeProgramRequest } from '../../src/storage/wire.js';
import { INTEGER } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-http-'));
const table = csvTable('t', join(dir, 't.csv'), [
  ['k', INTEGER],
  ['v', INTEGER],
]);
const catalog = memoryCatalog(table);
const query = { sql: 'select k, count(*) as n, sum(v) as s from t group by k', queryFile: 'q.sql', catalog, chunkBytes: 4096, onError: 'stop' as const };
const servers: RunningServer[] = [];
const base = (i: number) => `http://127.0.0.1:${servers[i]?.port}`;

beforeAll(async () => {
  writeFileSync(table.path, `k,v\n${Array.from({ length: 5000 }, (_, i) => `${i % 5},${i}`).join('\n')}\n`);
  for (let i = 0; i < 2; i++) servers.push(await startNodeServer({ config: { dataDir: dir, chunkBytes: 4096, engine: 'jit', link: {} }, port: 0, host: '127.0.0.1' }));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** send makes one request and returns the status and text of the answer. */
function send(method: string, path: string, body?: Uint8Array, headers: Record<string, string | number> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base(0)}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function program(file: string): Uint8Array {
  const { compiled } = planAndCompile(query.sql, query.queryFile, catalog, 4096);
  return encodeProgramRequest({ file, spec: compiled.spec, range: { splitStart: 0, splitEnd: 10, delimiter: 44, quotes: true, header: true } });
}

describe('HTTP nodes', () => {
  test('two servers answer the query as one node does (itself checked against ship-all with the program on the compute node)', async () => {
    const single = await executeQuery({ ...query, engine: 'jit', link: {}, compare: true, compute: 'program' });
    expect(single.shipAll?.result).toEqual(single.result);
    expect(single.shipAll?.stats.computeSeconds).toBeGreaterThan(0);
    const run = await executeClusterQuery({ ...query, nodes: [new HttpNode(0, base(0)), new HttpNode(1, base(1))] });
    expect(run.result).toEqual(single.result);
    expect(run.nodes[0]?.name).toBe(`node 0 (${base(0)})`);
    expect(run.nodes[1]?.reply.stats.hook.bytes).toBeGreaterThan(0);
  });

  test('bad requests get clear HTTP errors, and the server keeps serving', async () => {
    expect(await send('POST', '/run', new Uint8Array([1, 2, 3]))).toEqual({ status: 400, text: 'program message: truncated at byte 0\n' });
    const good = program('t.csv');
    const garbled = good.slice();
    garbled[0] = 0;
    expect((await send('POST', '/run', garbled)).text).toMatch(/bad magic number/);
    expect(await send('POST', '/run', program('missing.csv'))).toEqual({ status: 404, text: `missing.csv: no such file in the node's data directory ${dir}\n` });
    expect(await send('POST', '/run', program('../../etc/passwd'))).toMatchObject({ status: 403, text: expect.stringMatching(/outside the node's data directory/) });
    expect(await send('POST', '/run', undefined, { 'content-length': MAX_REQUEST_BYTES + 1 })).toMatchObject({ status: 413 });
    expect(await send('GET', '/run')).toMatchObject({ status: 405 });
    expect(await send('GET', '/nothing')).toMatchObject({ status: 404 });
    expect(await send('GET', '/lines?file=t.csv&end=-1')).toMatchObject({ status: 400 });
    // A client that sends half a request and disconnects.
    await new Promise<void>((done) => {
      const socket = connect(servers[0]?.port ?? 0, '127.0.0.1', () => {
        socket.write(`POST /run HTTP/1.1\r\nhost: x\r\ncontent-length: ${good.length}\r\n\r\n`);
        socket.write(good.subarray(0, 100));
        socket.destroy();
        done();
      });
    });
    expect(await send('GET', '/lines?file=t.csv&end=20')).toEqual({ status: 200, text: '5' });
    const run = await executeClusterQuery({ ...query, nodes: [new HttpNode(0, base(0))] });
    expect(run.rows).toBe(5000);
  });

  test('a node that cannot be reached fails the query naming the node', async () => {
    const bad = memoryCatalog(csvTable('t', join(dir, 'gone.csv'), [['k', INTEGER], ['v', INTEGER]]));
    writeFileSync(join(dir, 'gone.csv'), 'k,v\n1,2\n');
    const nodes = [new HttpNode(0, base(0)), new HttpNode(1, 'http://127.0.0.1:1')];
    await expect(executeClusterQuery({ ...query, catalog: bad, nodes })).rejects.toThrow(/^node 1 \(http:\/\/127\.0\.0\.1:1\): cannot reach the node/);
  });
});
