// The columns a query can name: one table's, or several tables' side by side, with qualified and unqualified lookup.
import type { Span } from './ast.js';
import type { ExprScope } from './bind-expr.js';
import { QueryError } from './errors.js';
import type { ColumnDef, ColumnRef, TableSource } from './plan.js';
import { didYouMean } from './suggest.js';

/** ScopedTable is a table in a scope; its column i is the scope's column `offset + i`. */
export interface ScopedTable {
  readonly table: TableSource;
  readonly offset: number;
}

/**
 * tablesScope is the scope of the tables of one FROM clause: `t.c` finds column c of table t; a bare
 * `c` finds the one table that has it and is refused as ambiguous when several do. `sql` is the query's
 * text, which names computed group keys.
 */
export function tablesScope(file: string, tables: readonly ScopedTable[], sql: string): ExprScope {
  const columns: ColumnDef[] = tables.flatMap(({ table, offset }) => table.columns.map((column) => ({ ...column, index: offset + column.index })));
  const fail = (at: Span, reason: string): never => {
    throw new QueryError(file, at.position, reason);
  };
  const find = (scoped: ScopedTable, name: string): ColumnDef | undefined =>
    scoped.table.columns.find((column) => column.name === name) ?? scoped.table.columns.find((column) => column.name.toLowerCase() === name.toLowerCase());
  const ref = (scoped: ScopedTable, column: ColumnDef): ColumnRef => ({ kind: 'column', column: scoped.offset + column.index, name: column.name, type: column.type });
  const resolve = (at: Span, name: string, qualifier: string | undefined): ColumnRef => {
    if (qualifier !== undefined) {
      const scoped = tables.find(({ table }) => table.name === qualifier);
      if (scoped === undefined) return fail(at, `unknown table '${qualifier}' in '${qualifier}.${name}'${didYouMean(qualifier, tables.map(({ table }) => table.name))}`);
      const column = find(scoped, name);
      if (column === undefined) return fail(at, `table '${qualifier}' has no column '${name}'${didYouMean(name, scoped.table.columns.map((c) => c.name))}`);
      return ref(scoped, column);
    }
    const found = tables.flatMap((scoped) => {
      const column = find(scoped, name);
      return column === undefined ? [] : [{ scoped, column }];
    });
    const [first, second] = found;
    if (first === undefined) return fail(at, `unknown column '${name}'${didYouMean(name, columns.map((c) => c.name))}`);
    if (second !== undefined) {
      const names = found.map(({ scoped }) => scoped.table.name);
      return fail(at, `column '${name}' is ambiguous: ${names.join(' and ')} both have it; write ${names.map((table) => `${table}.${name}`).join(' or ')}`);
    }
    return ref(first.scoped, first.column);
  };
  return { file, columns, resolve, text: (ast) => sql.slice(ast.start, ast.end).replace(/\s+/g, ' ') };
}
