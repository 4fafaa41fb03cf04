// Reads `NAME.schema` files (one `name type` per line, `#` comments) and SQL type names.
import { QueryError } from '../sql/errors.js';
import { DATE, INTEGER, MAX_DECIMAL_PRECISION, type SqlType } from '../values/types.js';

/** SchemaColumn is one declared column of a schema file. */
export interface SchemaColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** parseTypeName reads `integer`, `bigint`, `int`, `decimal(p,s)`, `numeric(p,s)`, `date`, `char(n)`, `varchar(n)`, `varchar`. */
export function parseTypeName(text: string): SqlType | undefined {
  const name = text.toLowerCase().replace(/\s+/g, '');
  if (name === 'integer' || name === 'bigint' || name === 'int') return INTEGER;
  if (name === 'date') return DATE;
  if (name === 'varchar' || name === 'text') return { kind: 'varchar' };
  const decimal = /^(?:decimal|numeric)\((\d+),(\d+)\)$/.exec(name);
  if (decimal !== null) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale > precision) return undefined;
    return { kind: 'decimal', precision, scale };
  }
  const sized = /^(char|varchar)\((\d+)\)$/.exec(name);
  if (sized !== null && Number(sized[2]) > 0) return { kind: sized[1] as 'char' | 'varchar', length: Number(sized[2]) };
  return undefined;
}

/** parseSchemaFile reads a schema file's text; `file` names it in errors (file:line:col). */
export function parseSchemaFile(text: string, file: string): SchemaColumn[] {
  const columns: SchemaColumn[] = [];
  text.split('\n').forEach((rawLine, lineIndex) => {
    const line = rawLine.replace(/#.*$/, '').replace(/\r$/, '');
    const match = /^(\s*)(\S+)(\s+)(.*?)\s*$/.exec(line);
    if (line.trim() === '') return;
    const at = (column: number): { line: number; column: number } => ({ line: lineIndex + 1, column });
    if (match === null) throw new QueryError(file, at(line.search(/\S/) + 1), 'expected `name type`');
    const [, indent = '', name = '', gap = '', typeText = ''] = match;
    const typeColumn = indent.length + name.length + gap.length + 1;
    const type = parseTypeName(typeText);
    if (type === undefined) {
      throw new QueryError(file, at(typeColumn), `unknown type '${typeText}' (integer, bigint, decimal(p,s), date, char(n), varchar(n))`);
    }
    if (columns.some((column) => column.name.toLowerCase() === name.toLowerCase())) {
      throw new QueryError(file, at(indent.length + 1), `column '${name}' is declared twice`);
    }
    columns.push({ name, type });
  });
  if (columns.length === 0) throw new QueryError(file, { line: 1, column: 1 }, 'the schema declares no columns');
  return columns;
}
