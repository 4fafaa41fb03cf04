// The top-N heap's programs load into Linux whatever n is: the sift callbacks' walk must not grow with the LIMIT.
import { describe, expect, test } from 'vitest';
import { compileQuery } from '../../src/codegen/compile.js';
import { kernelAvailability, loadKernelProgram } from '../../src/kernel/bpf.js';
import { planQuery } from '../../src/sql/bind.js';
import { TOP_N_LIMIT } from '../../src/sql/top-n.js';
import { memoryCatalog, tpchTable } from '../sql/helpers.js';

const availability = kernelAvailability();
if (!availability.ok) console.log(`skipping the top-N kernel load test: ${availability.reason}`);

/** processed loads the query's program into Linux and returns how many instructions its verifier processed. */
function processed(sql: string): number {
  const compiled = compileQuery(planQuery(sql, memoryCatalog(tpchTable('lineitem'))));
  const program = loadKernelProgram(compiled.spec, { type: 'xdp' });
  try {
    return program.processedInsns ?? Number.NaN;
  } finally {
    program.close();
  }
}

describe.skipIf(!availability.ok)('top-N programs in the Linux verifier', () => {
  test(`a heap of ${TOP_N_LIMIT} rows by four keys (three strings) costs the verifier about what a heap of 10 does`, () => {
    const sql = (n: number) => `select l_orderkey from lineitem order by l_comment, l_shipinstruct desc, l_shipmode, l_extendedprice desc limit ${n}`;
    const small = processed(sql(10));
    const large = processed(sql(TOP_N_LIMIT));
    // With the moving slot's number on the stack the walk grew with log2(n): over a million instructions (refused) at n = 1,024.
    expect(large).toBeLessThan(small * 1.5);
  });
});
