// Cluster queries: byte ranges tile the rows exactly at every split point, answers merge to one scan's, failing nodes fail the query.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import type { ErrorPolicy } from '../../src/sql/plan.js';
import { memoryCatalog, sensorsTable, tpchTable } from '../sql/helpers.js';
import { NodeService } from '../../src/storage/node-service.js';
import { InThreadNode } from './nodes.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sensors = sensorsTable(join(dir, 'sensors.csv'));
const region = tpchTable('region', join(dir, 'region.tbl'));
const catalog = memoryCatalog(sensors, region);

/** outcome is a run's result, or its error's class and message. */
async function outcome(run: () => Promise<{ result: unknown }>): Promise<unknown> {
  try {
    return (await run()).result;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { error: error.name, message: error.message };
  }
}

/** clusterAgrees checks that N in-thread nodes answer as one node does, for each N and chunk size given. */
async function clusterAgrees(sql: string, table: 'sensors' | 'region', text: string, counts: readonly number[], chunks: readonly number[], onError: ErrorPolicy = 'stop') {
  writeFileSync(table === 'sensors' ? sensors.path : region.path, text);
  for (const chunk of chunks) {
    const base = { sql, queryFile: 'q.sql', catalog, chunkBytes: chunk, onError };
    const expected = await outcome(() => executeQuery({ ...base, engine: 'interpreter', link: {}, compare: false }));
    const service = new NodeService({ dataDir: dir, chunkBytes: chunk, engine: 'interpreter', link: {} });
    for (const n of counts) {
      const nodes = Array.from({ length: n }, (_, i) => new InThreadNode(i, service));
      const actual = await outcome(() => executeClusterQuery({ ...base, nodes }));
      expect(actual, `${n} nodes, ${chunk}-byte chunks`).toEqual(expected);
    }
  }
}

const HEADER = 'id,site,day,temp\n';
/** EVERY_BYTE_TIMEOUT: a split point at every byte is a cluster of ~250 nodes per run (tens of ms each), minutes on a loaded machine. */
const EVERY_BYTE_TIMEOUT = 180_000;
const ROWS = [
  '1,Quito,2026-01-05,13.28',
  '2,"Oslo, dock 3",2026-03-11,-0.5',
  '3,"say ""hi""",2024-02-29,+7.',
  '4,"two\nlines\n",1999-12-31,0.07',
  '5,Oslo,1970-01-01,-12.00',
  '',
  '6,,2000-03-01,3\r',
  '7,"a ""q"" x\ny",2001-01-01,1',
  '8,\r"c\r\nd",2002-02-02,2',
  // A CR after a closing quote is not data, so the quote after it is a quote inside quotes and the line break is quoted.
  '9,"e"\r"f\ng",2003-03-03,3',
];
const SQL = 'select site, count(*) as n, sum(temp) as t, min(day) as d, max(id) as m from sensors group by site';

describe('byte ranges at every split point', () => {
  test('CSV with quoted line breaks, quotes, a blank line and CRLF: every N up to one node per byte', async () => {
    const text = `${HEADER}${ROWS.join('\n')}\n`;
    await clusterAgrees(SQL, 'sensors', text, [1, 2, 3, 4, 5, 7, 11, text.length, text.length + 2], [4096]);
  }, EVERY_BYTE_TIMEOUT);

  test('split points at every byte, with 1-byte and 5-byte chunks and no final newline', async () => {
    const text = `${HEADER}${ROWS.join('\n')}`;
    await clusterAgrees(SQL, 'sensors', text, [text.length], [1, 5]);
  }, EVERY_BYTE_TIMEOUT);

  test('.tbl rows, N larger than the number of rows', async () => {
    const text = '0|AFRICA|lar deposits|\n1|AMERICA|hs use ironic|\n2|ASIA|ges. thinly even|\n';
    await clusterAgrees('select count(*) as n, min(r_name) as lo, max(r_regionkey) as hi from region', 'region', text, [1, 2, 3, 7, 50, text.length], [3, 4096]);
  });

  test('a quoted line break just after every split point moves the next node\'s first row', async () => {
    const text = `${HEADER}1,"x\n2,0,1970-01-01,1\n3",2000-01-01,1\n4,y,2000-01-02,2\n`;
    const sql = 'select count(*) as n, sum(temp) as t from sensors';
    await clusterAgrees(sql, 'sensors', text, [2, 3, 5, 8, 13, text.length], [4096]);
    const service = new NodeService({ dataDir: dir, chunkBytes: 4096, engine: 'interpreter', link: {} });
    const nodes = Array.from({ length: text.length }, (_, i) => new InThreadNode(i, service));
    const run = await executeClusterQuery({ sql, queryFile: 'q.sql', catalog, chunkBytes: 4096, onError: 'stop', nodes });
    expect(run.nodes.some((node) => node.restarts > 0)).toBe(true);
    expect(run.nodes.some((node) => node.reply.rescans > 0)).toBe(true);
  });
});

describe('errors in file order', () => {
  const bad = `${HEADER}1,a,2026-01-05,1\n2,b,2026-13-05,1\n3,c,2026-01-05,x\n4,d,2026-01-05,2\n`;
  test('the first malformed row (stop) names the file\'s line, whichever node holds it', async () => {
    await clusterAgrees(SQL, 'sensors', bad, [1, 2, 3, 5, 9], [4096]);
  });

  test('skipped rows add up (skip)', async () => {
    await clusterAgrees(SQL, 'sensors', bad, [1, 2, 3, 5, 9], [4096], 'skip');
  });
});
