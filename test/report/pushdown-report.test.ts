// End to end: filter-sum pushed down vs shipped, same answer, and a report whose link bytes are in the hundreds.
import { beforeAll, describe, expect, it } from 'vitest';
import { Link } from '../../src/net/link.js';
import { buildReport, type DataMovementReport } from '../../src/report/data-movement.js';
import { formatReport } from '../../src/report/table.js';
import { StorageNode } from '../../src/storage/node.js';
import { type PushdownResult, runPushdown } from '../../src/storage/pushdown.js';
import { runShipAll, type ShipAllResult } from '../../src/storage/shipall.js';
import { encodeProgramRequest } from '../../src/storage/wire.js';
import { dataDirWith, decodeFilterSum, type FilterSum, filterSumConsumer, filterSumProgram, generatedCsv } from '../storage/filter-sum-helpers.js';

const ROWS = 10_000;
const csv = generatedCsv(ROWS);
const fileBytes = Buffer.byteLength(csv);
const dataDir = dataDirWith({ 'orders.csv': csv });

describe('data-movement report of a real run', () => {
  const spec = filterSumProgram();
  const link = new Link();
  const node = new StorageNode({ dataDir });
  let pushdown: PushdownResult;
  let shipAll: ShipAllResult<FilterSum>;
  let report: DataMovementReport;
  beforeAll(async () => {
    pushdown = await runPushdown({ node, link, file: 'orders.csv', spec, rows: ROWS });
    node.pageCache.drop();
    shipAll = await runShipAll({ node, link, file: 'orders.csv', consumer: filterSumConsumer(), rows: ROWS });
    report = buildReport(pushdown.stats, shipAll.stats);
  }, 120_000); // the interpreter over 10,000 rows: a few seconds alone, many more on a machine shared with other work

  it('answers the same both ways', () => {
    expect(decodeFilterSum(pushdown.maps)).toEqual(shipAll.result);
  });

  it('moves only hundreds of bytes back in pushdown, against the whole file in ship-all', () => {
    const back = pushdown.stats.link.toCompute;
    expect(back.payloadBytes).toBeGreaterThan(100);
    expect(back.payloadBytes).toBeLessThan(1000);
    expect(back.wireBytes).toBeLessThan(1000);
    expect(fileBytes).toBeGreaterThan(250_000);
    expect(shipAll.stats.link.toCompute.payloadBytes).toBe(fileBytes);
  });

  it('counts packets as the link model says', () => {
    const requestBytes = encodeProgramRequest({ file: 'orders.csv', spec }).length;
    const requestSegments = Math.ceil(requestBytes / 1448);
    const resultBytes = pushdown.stats.link.toCompute.payloadBytes;
    expect(pushdown.stats.link.toStorage).toMatchObject({
      payloadBytes: requestBytes,
      segments: requestSegments,
      acks: Math.ceil(Math.ceil(resultBytes / 1448) / 2),
      wireBytes: requestBytes + requestSegments * 90 + Math.ceil(Math.ceil(resultBytes / 1448) / 2) * 90,
    });
    const segments = Math.ceil(fileBytes / 1448);
    expect(shipAll.stats.link.toCompute).toMatchObject({ segments, acks: 1, packets: segments + 1, wireBytes: fileBytes + (segments + 1) * 90 });
    expect(shipAll.stats.link.toStorage.acks).toBe(Math.ceil(segments / 2));
  });

  it('accounts for every byte at the hook and in user space', () => {
    expect(pushdown.stats.hook.bytes).toBe(fileBytes);
    expect(pushdown.stats.userSpace).toEqual({ copiedBytes: 0, notCopiedBytes: fileBytes });
    expect(shipAll.stats.userSpace).toEqual({ copiedBytes: fileBytes, notCopiedBytes: 0 });
    expect(pushdown.stats.hook.instructions).toBeGreaterThan(fileBytes);
    expect(pushdown.stats.device.bytesRead).toBe(fileBytes);
    expect(pushdown.stats.hook.loadSeconds).toBeGreaterThan(0);
    expect(pushdown.stats.pipeline.endToEnd).toBeGreaterThan(pushdown.stats.hook.loadSeconds + pushdown.stats.pipeline.streaming);
    expect(shipAll.stats.device.bytesRead).toBe(fileBytes);
  });

  it('reports the saving in bytes, percent and times', () => {
    expect(report.saved.linkPayloadBytes.fraction).toBeGreaterThan(0.99);
    expect(report.saved.linkWireBytes.ratio).toBeGreaterThan(100);
    const text = formatReport(report);
    expect(text).toContain(`orders.csv: `);
    expect(text).toContain(`${ROWS.toLocaleString('en-US')} rows`);
    expect(text).toMatch(/to compute: payload\s+\d{3} B\s+\d+ KiB/);
  });

  it('retransmits over a lossy link without changing the answer', async () => {
    const lossy = new Link({ lossRate: 0.01, seed: 7 });
    const run = await runShipAll({ node, link: lossy, file: 'orders.csv', consumer: filterSumConsumer() });
    expect(run.result).toEqual(shipAll.result);
    expect(run.stats.link.toCompute.retransmittedPackets).toBeGreaterThan(0);
    expect(run.stats.link.toCompute.payloadBytes).toBe(fileBytes);
    expect(formatReport(buildReport(pushdown.stats, run.stats))).toContain('to compute: retransmitted');
  });
});
