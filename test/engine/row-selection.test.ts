// Plain row selection end to end: exact rows against ship-all, LIMIT stopping the scan, ORDER BY, clusters, returned bytes, CSV/JSONL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import { NodeService } from '../../src/storage/node-service.js';
import { formatResultCsv, formatResultJsonl } from '../../src/sql/result-formats.js';
import { parseDateDays } from '../../src/values/calendar.js';
import { memoryCatalog, sensorsTable } from '../sql/helpers.js';
import { InThreadNode } from './nodes.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sensors = sensorsTable(join(dir, 'sensors.csv'));
const catalog = memoryCatalog(sensors);
const HEADER = 'id,site,day,temp\n';
const ROWS = ['1,Quito,2026-01-05,13.28', '2,"Oslo, dock 3",2026-03-11,-0.5', '3,"say ""hi""",2024-02-29,+7.', '4,"two\nlines",1999-12-31,0.07', '5,Oslo,1970-01-01,-12.00', '6,"",2000-03-01,3'];

/** many is a table of `count` generated rows, each 1..count, with a malformed row after them when `badAt` is given. */
function many(count: number, badAt?: number): string {
  const lines = Array.from({ length: count }, (_, i) => `${i + 1},site${i % 7},2020-01-${String((i % 28) + 1).padStart(2, '0')},${(i % 900) / 10}`);
  if (badAt !== undefined) lines.splice(badAt, 0, 'x,bad,2020-01-01,1');
  return `${HEADER}${lines.join('\n')}\n`;
}

const days = (text: string): bigint => BigInt(parseDateDays(text) as number);
const run = (sql: string, compare = true, chunkBytes = 4096) =>
  executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes, link: {}, compare, onError: 'stop' });

describe('row selection', () => {
  test('returns the kept rows in file order with exact values, equal to ship-all, and reports their bytes', async () => {
    writeFileSync(sensors.path, `${HEADER}${ROWS.join('\n')}\n`);
    for (const chunk of [1, 7, 4096]) {
      const { result, pushdown } = await run('select site, id, temp * 2 as t2, day from sensors where temp < 10', true, chunk);
      expect(result.columns.map((c) => c.name)).toEqual(['site', 'id', 't2', 'day']);
      expect(result.rows).toEqual([
        ['Oslo, dock 3', 2n, -100n, days('2026-03-11')],
        ['say "hi"', 3n, 1400n, days('2024-02-29')],
        ['two\nlines', 4n, 14n, days('1999-12-31')],
        ['Oslo', 5n, -2400n, 0n],
        ['', 6n, 600n, days('2000-03-01')],
      ]);
      // Each record: site (8-byte length + 16 bytes), id, temp * 2 and day (8 bytes each), then a NULL byte per value (8 bytes).
      expect(pushdown.returned).toEqual({ rows: 5, bytes: 5 * 56 });
    }
  });

  test('ORDER BY sorts on the compute node, by a key that is not selected too, ties in file order', async () => {
    writeFileSync(sensors.path, many(50));
    // site is site0..site6 by (id - 1) % 7; temp >= 1 keeps ids 11..50.
    expect((await run('select id, site from sensors where temp >= 1 order by site desc limit 4')).result.rows).toEqual([
      [14n, 'site6'], [21n, 'site6'], [28n, 'site6'], [35n, 'site6'],
    ]);
    // day is the ((id - 1) % 28 + 1)-th of January: ids 28, 27, 26 have the latest days among those kept.
    const hidden = await run('select id from sensors where temp >= 1 order by day desc, id limit 3');
    expect(hidden.result.columns.map((c) => c.name)).toEqual(['id']);
    expect(hidden.result.rows).toEqual([[28n], [27n], [26n]]);
  });

  test('LIMIT without ORDER BY stops the scan: fewer bytes read, later malformed rows never seen', async () => {
    writeFileSync(sensors.path, many(60_000, 15_000));
    const limited = await run('select id, temp from sensors where temp > 50 limit 3');
    expect(limited.result.rows).toEqual([[502n, 5010n], [503n, 5020n], [504n, 5030n]]);
    expect(limited.pushdown.hook.bytes).toBeLessThan(limited.pushdown.fileBytes / 4);
    expect(limited.pushdown.device.bytesRead).toBeLessThan(limited.pushdown.fileBytes);
    expect(limited.rows).toBeLessThan(1000);
    await expect(run('select id, temp from sensors where temp > 50')).rejects.toThrow(/sensors\.csv:15002:1: column 'id': not a valid integer/);
  });

  test('a cluster returns the single node\'s rows: merged in file order, LIMIT after the merge', async () => {
    writeFileSync(sensors.path, many(800));
    const service = new NodeService({ dataDir: dir, chunkBytes: 512, engine: 'interpreter', link: {} });
    for (const sql of ['select id, site, day from sensors where temp between 10 and 11', 'select id from sensors where temp > 70 limit 5', 'select id, temp from sensors where temp > 60 order by temp desc, id limit 7']) {
      const single = await executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes: 512, link: {}, compare: true, onError: 'stop' });
      for (const n of [2, 5]) {
        const nodes = Array.from({ length: n }, (_, i) => new InThreadNode(i, service));
        const merged = await executeClusterQuery({ sql, queryFile: 'q.sql', catalog, chunkBytes: 512, onError: 'stop', nodes });
        expect(merged.result, `${sql} on ${n} nodes`).toEqual(single.result);
      }
    }
  });

  test('refuses a selected string expression it cannot compute, with its position', async () => {
    writeFileSync(sensors.path, many(3));
    await expect(run('select id, substring(site, 1, -1) from sensors')).rejects.toThrow(/q\.sql:1:31: SUBSTRING with a negative length \(-1\) is an error in SQL/);
  });
});

describe('piping formats', () => {
  test('CSV quotes what needs quoting and keeps bytes; JSONL keys rows by column', async () => {
    writeFileSync(sensors.path, `${HEADER}${ROWS.join('\n')}\n7,\xff\xfe,2000-01-01,1\n`, 'latin1');
    const { result } = await run('select site, id, temp from sensors where id >= 2 and id <> 5');
    expect(formatResultCsv(result).toString('latin1')).toBe(
      'site,id,temp\n"Oslo, dock 3",2,-0.50\n"say ""hi""",3,7.00\n"two\nlines",4,0.07\n"",6,3.00\n\xff\xfe,7,1.00\n',
    );
    expect(formatResultJsonl(result).split('\n')[0]).toBe('{"site":"Oslo, dock 3","id":"2","temp":"-0.50"}');
    expect(formatResultJsonl(result)).toContain('{"site":"\\\\xFF\\\\xFE","id":"7","temp":"1.00"}');
  });
});
