// Table resolution in a data directory: built-in TPC-H schemas, .schema files, inference, and their errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { planQuery } from '../../src/sql/bind.js';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { inferColumnType } from '../../src/datasets/infer.js';
import { parseSchemaFile } from '../../src/datasets/schema-file.js';
import { typeName } from '../../src/values/types.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const types = (name: string): string[] =>
  directoryCatalog(dir).table(name)!.columns.map((column) => `${column.name} ${typeName(column.type)}`);

describe('directory catalog', () => {
  write('region.tbl', '0|AFRICA|lar deposits|\n');
  write('orders.csv', 'o_orderkey,o_custkey,o_orderstatus,o_totalprice,o_orderdate,o_orderpriority,o_clerk,o_shippriority,o_comment\n');
  write('sensors.csv', 'id,site,day,temp\n1,"Oslo, dock 3",2026-01-01,1.5\n');
  write('sensors.schema', '# sensors\nid bigint\nsite varchar(24)  # free text\nday date\ntemp decimal(5,2)\n');
  write('guess.csv', 'n,price,when,label,empty\r\n1,2.5,2026-01-01,a,\r\n-20,3.125,2026-12-31,b,x\r\n');
  write('odd.tbl', '1|2|\n');

  test('.tbl files of TPC-H tables use the built-in schema', () => {
    const table = directoryCatalog(dir).table('region')!;
    expect(table).toMatchObject({ format: 'tbl', delimiter: '|', header: false, trailingDelimiter: true, schemaSource: 'builtin' });
    expect(types('region')).toEqual(['r_regionkey integer', 'r_name char(25)', 'r_comment varchar(152)']);
  });

  test('CSV files named like TPC-H tables use the built-in schema and must have its header', () => {
    expect(directoryCatalog(dir).table('orders')).toMatchObject({ format: 'csv', header: true, schemaSource: 'builtin' });
    expect(types('orders')).toContain('o_totalprice decimal(15,2)');
    write('part.csv', 'p_partkey,p_nam\n');
    expect(() => directoryCatalog(dir).table('part')).toThrow(/part.csv:1:11: header column 'p_nam' does not match schema column 'p_name'/);
  });

  test('a sibling .schema file wins', () => {
    expect(directoryCatalog(dir).table('sensors')!.schemaSource).toBe('schema-file');
    expect(types('sensors')).toEqual(['id integer', 'site varchar(24)', 'day date', 'temp decimal(5,2)']);
  });

  test('without a schema, CSV types are inferred from a sample', () => {
    const table = directoryCatalog(dir).table('guess')!;
    expect(table.schemaSource).toBe('inferred');
    expect(table.inferredFromRows).toBe(2);
    expect(types('guess')).toEqual(['n integer', 'price decimal(18,3)', 'when date', 'label varchar', 'empty varchar']);
  });

  test('a short row does not change an inferred type: it is reported as malformed when read', () => {
    write('short.csv', 'a,b\n1,2\n3\n4,5\n');
    expect(types('short')).toEqual(['a integer', 'b integer']);
    const plan = planQuery('select sum(b) from short', directoryCatalog(dir));
    const consumer = createBaselineConsumer(plan);
    expect(() => {
      consumer.write(readFileSync(plan.table.path));
      consumer.end();
    }).toThrow(/short.csv:3:/);
  });

  test('a value that breaks an inferred type says where the type came from', () => {
    write('late.csv', `n\n${'1\n'.repeat(1000)}2.5\n`);
    const plan = planQuery('select sum(n) from late', directoryCatalog(dir));
    const consumer = createBaselineConsumer(plan);
    expect(() => {
      consumer.write(readFileSync(plan.table.path));
      consumer.end();
    }).toThrow(
      "late.csv:1002:1: column 'n': '2.5' is not a valid integer (types were inferred from the first 1000 rows; declare them in late.schema)",
    );
  });

  test('a .tbl file without a known name or schema is refused', () => {
    expect(() => directoryCatalog(dir).table('odd')).toThrow(/odd.tbl:1:1: no schema for 'odd'/);
  });

  test('unknown tables are undefined and listed names suggest a fix', () => {
    expect(directoryCatalog(dir).table('nope')).toBeUndefined();
    expect(() => planQuery('select count(*) from sensor', directoryCatalog(dir))).toThrow("query.sql:1:22: unknown table 'sensor' (did you mean 'sensors'?)");
  });
});

describe('schema files', () => {
  test('types and comments', () => {
    expect(parseSchemaFile('a integer\n\n  b   numeric(10, 3)\nc char(2) # c\nd varchar\n', 's.schema').map((column) => typeName(column.type))).toEqual([
      'integer', 'decimal(10,3)', 'char(2)', 'varchar',
    ]);
  });

  test.each([
    ['a integer\nb float\n', "s.schema:2:3: unknown type 'float' (integer, bigint, decimal(p,s), date, char(n), varchar(n))"],
    ['a integer\nA date\n', "s.schema:2:1: column 'A' is declared twice"],
    ['a\n', 's.schema:1:1: expected `name type`'],
    ['# nothing\n', 's.schema:1:1: the schema declares no columns'],
    ['a decimal(2,3)\n', "s.schema:1:3: unknown type 'decimal(2,3)' (integer, bigint, decimal(p,s), date, char(n), varchar(n))"],
  ])('%j is refused', (text, message) => {
    expect(() => parseSchemaFile(text, 's.schema')).toThrow(message);
  });
});

describe('type inference', () => {
  test.each([
    [['1', '-2', '+3'], 'integer'],
    [['1', '2.50', '-0.125'], 'decimal(18,3)'],
    [['99999999999999999999'], 'varchar'], // too big for 64 bits as integer or decimal
    [['2026-01-01', '1999-12-31'], 'date'],
    [['2026-02-30'], 'varchar'],
    [['1', ''], 'integer'], // an empty field is NULL, whatever the type
    [['', '2.5'], 'decimal(18,1)'],
    [['', ''], 'varchar'],
    [[], 'varchar'],
  ])('%j -> %s', (values, type) => {
    expect(typeName(inferColumnType(values))).toBe(type);
  });
});

describe('the CSV sniffer reads the header and sample safely', () => {
  const refusal = (name: string, text: string | Buffer): string => {
    write(name, text as string);
    try {
      directoryCatalog(dir).table(name.replace(/\.csv$/, ''));
    } catch (error) {
      return (error as Error).message.replace(`${dir}/`, '');
    }
    throw new Error(`no refusal for ${name}`);
  };

  test('a header naming a column twice is refused at the second one', () => {
    expect(refusal('dup.csv', 'id,"Name",price,name\n1,a,2,b\n')).toBe("dup.csv:1:17: the header names column 'name' twice (columns 2 and 4); rename one");
  });

  test('a file longer than the sample without a line break is not called empty', () => {
    expect(refusal('oneline.csv', 'x'.repeat((1 << 20) + 10))).toMatch(/^oneline\.csv:1:1: no row ends in the first 1,048,576 bytes: the header row is longer than that/);
  });

  test('a quote left open in the header is refused at the quote; one in a row is the query\'s to report', () => {
    expect(refusal('open.csv', 'id,"name\n1,ok\n')).toBe('open.csv:1:4: this quoted field in the header is not closed before the end of the file');
    write('openrow.csv', 'id,name\n1,ok\n2,"never\nclosed\n3,x\n');
    expect(types('openrow')).toEqual(['id integer', 'name varchar']);
  });

  test('lines ending in a lone carriage return are refused at the first one', () => {
    expect(refusal('mac.csv', 'id,name\r1,a\r2,b\r')).toMatch(/^mac\.csv:1:8: lines end with a lone carriage return/);
  });

  test('with a schema file only the header row is read, with the same refusals and quoting', () => {
    write('lonecr.schema', 'id integer\nname varchar\n');
    expect(refusal('lonecr.csv', 'id,name\r1,a\r2,b\n')).toMatch(/^lonecr\.csv:1:8: lines end with a lone carriage return/);
    // The first line break is inside the quoted header name: the whole quoted name is still read.
    write('qnl.schema', 'id integer\nname varchar\n');
    expect(refusal('qnl.csv', '"i\nd",name\n1,a\n')).toBe("qnl.csv:1:1: header column 'i\nd' does not match schema column 'id'");
    write('wrong.schema', 'id integer\nname varchar\n');
    expect(refusal('wrong.csv', 'id,nom\n1,a\n')).toBe("wrong.csv:1:4: header column 'nom' does not match schema column 'name'");
    // Rows past the header are the program's business (a malformed one is reported by the query).
    write('later.schema', 'id integer\nname varchar\n');
    write('later.csv', 'id,name\n1,"a\n2,b\n');
    expect(types('later')).toEqual(['id integer', 'name varchar']);
  });

  test('a CR after a closing quote is not data: a quoted header name loses its quotes, a quoted sample value reads as its text', () => {
    write('qcr.csv', '"c0","c1"\r');
    write('qcr.schema', 'c0 integer\nc1 integer\n');
    expect(types('qcr')).toEqual(['c0 integer', 'c1 integer']);
    write('qcr2.csv', '"id","name"\r\n"1"\r,a\n');
    expect(types('qcr2')).toEqual(['id integer', 'name varchar']);
  });

  test('a valid file whose first MiB ends inside a quoted field is accepted', () => {
    const row = `1,"${'y'.repeat(1000)}\n${'z'.repeat(1000)}"\n`;
    write('quoted.csv', `id,text\n${row.repeat(Math.ceil((1 << 20) / row.length) + 2)}`);
    expect(types('quoted')).toEqual(['id integer', 'text varchar']);
  });
});
