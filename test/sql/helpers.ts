// Shared test helpers: an in-memory catalog over the built-in TPC-H schemas and a custom table.
import type { Catalog, TableSource } from '../../src/sql/plan.js';
import { TPCH_SCHEMAS } from '../../src/datasets/tpch/schemas.js';
import { DATE, INTEGER, decimalType, type SqlType } from '../../src/values/types.js';

/** tpchTable describes a TPC-H table as a .tbl file at `path`. */
export function tpchTable(name: string, path = `${name}.tbl`): TableSource {
  const schema = TPCH_SCHEMAS[name];
  if (schema === undefined) throw new Error(`no TPC-H table ${name}`);
  return {
    name, path, format: 'tbl', delimiter: '|', header: false, trailingDelimiter: true, schemaSource: 'builtin',
    columns: schema.map(([columnName, type], index) => ({ name: columnName, type, index })),
  };
}

/** csvTable describes a CSV file with a header and the given columns. */
export function csvTable(name: string, path: string, columns: readonly (readonly [string, SqlType])[]): TableSource {
  return {
    name, path, format: 'csv', delimiter: ',', header: true, trailingDelimiter: false, schemaSource: 'schema-file',
    columns: columns.map(([columnName, type], index) => ({ name: columnName, type, index })),
  };
}

/** sensorsTable is the tests' small `sensors` CSV table: id integer, site varchar(16), day date, temp decimal(5,2). */
export function sensorsTable(path: string): TableSource {
  return csvTable('sensors', path, [
    ['id', INTEGER],
    ['site', { kind: 'varchar', length: 16 }],
    ['day', DATE],
    ['temp', decimalType(5, 2)],
  ]);
}

/** memoryCatalog resolves names to the given tables. */
export function memoryCatalog(...tables: TableSource[]): Catalog {
  return {
    table: (name) => tables.find((table) => table.name === name),
    tableNames: () => tables.map((table) => table.name),
  };
}

/** exampleCatalog holds the tables the example queries in queries/ read: the TPC-H tables and the sensors table. */
export function exampleCatalog(): Catalog {
  return memoryCatalog(
    ...Object.keys(TPCH_SCHEMAS).map((name) => tpchTable(name)),
    csvTable('sensors', 'sensors.csv', [
      ['sensor_id', INTEGER],
      ['site', { kind: 'varchar', length: 24 }],
      ['reading_date', DATE],
      ['temperature', decimalType(5, 2)],
      ['humidity', decimalType(5, 2)],
    ]),
  );
}
