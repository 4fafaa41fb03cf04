// The hook context has one layout: what the storage node writes, what the verifier proves loads against, and what generated code reads agree.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { HOOK_CONTEXT, HOOK_CONTEXT_BYTES, encodeHookContext } from '../../src/storage/hook-context.js';
import { verify } from '../../src/verifier/verifier.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { Runtime } from '../../src/vm/runtime.js';
import { INTEGER } from '../../src/values/types.js';
import { scanWithInterpreter } from '../codegen/harness.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';

const FIELDS = { data: 0x2000, dataEnd: 0x2010, flags: 5, chunkIndex: 7, fileOffset: 2 ** 40 + 3, fileSize: 2 ** 41 + 9 };

/** readField reads one field of an encoded context the way a program's load of that size does (little-endian, unsigned). */
function readField(bytes: Uint8Array, offset: number, size: number): bigint {
  let value = 0n;
  for (let k = size - 1; k >= 0; k--) value = (value << 8n) | BigInt(bytes[offset + k]!);
  return value;
}

describe('the hook context layout', () => {
  const bytes = new Uint8Array(HOOK_CONTEXT_BYTES);
  encodeHookContext(FIELDS, new DataView(bytes.buffer));

  it('is encoded by the storage node at the offsets and sizes the verifier is given', () => {
    const byName = Object.fromEntries(HOOK_CONTEXT.fields.map((f) => [f.name, readField(bytes, f.offset, f.size)]));
    expect(byName).toEqual({
      data: BigInt(FIELDS.data),
      data_end: BigInt(FIELDS.dataEnd),
      data_meta: BigInt(FIELDS.data),
      ingress_ifindex: 0n,
      rx_queue_index: 0n,
      egress_ifindex: 0n,
      flags: BigInt(FIELDS.flags),
      chunk_index: BigInt(FIELDS.chunkIndex),
      file_offset: BigInt(FIELDS.fileOffset),
      file_size: BigInt(FIELDS.fileSize),
    });
    const last = HOOK_CONTEXT.fields.at(-1)!;
    expect(last.offset + last.size).toBe(HOOK_CONTEXT.size);
  });

  it('lets a verified program read each scalar field and get what the node wrote', () => {
    const scalars = HOOK_CONTEXT.fields.filter((f) => f.kind === 'scalar');
    const sizeName = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' } as const;
    const source = scalars.map((f) => `r2 = *(${sizeName[f.size]} *)(r1 + ${f.offset})\nr0 += r2`).join('\n');
    const spec = assemble(`r0 = 0\n${source}\nexit`);
    const facts = verify(spec, { context: HOOK_CONTEXT });
    const runtime = new Runtime(spec.maps);
    const run = new Interpreter().load(spec, runtime, facts).run(runtime.space.setContext(bytes));
    const expected = scalars.reduce((sum, f) => sum + readField(bytes, f.offset, f.size), 0n);
    expect(run.r0).toBe(BigInt.asUintN(64, expected));
  });

  it('is what generated code reads: a compiled query verifies against it and counts rows from contexts the node encodes', () => {
    const sensors = csvTable('sensors', 'sensors.csv', [['id', INTEGER]]);
    const compiled = compileQuery(planQuery('select count(*) as n from sensors', memoryCatalog(sensors)));
    expect(() => verify(compiled.spec, { context: HOOK_CONTEXT })).not.toThrow();
    const scan = scanWithInterpreter(compiled, Buffer.from('id\n1\n2\n3\n'), 4);
    expect(compiled.decode(scan.read).rows).toEqual([[3n]]);
  });
});
