// Renders a plan as readable text for `sluice explain`: scan, decoded columns, filter, groups, aggregates, outputs.
import { formatDateDays } from '../values/calendar.js';
import { formatDecimalUnits } from '../values/decimal.js';
import type { AggregateSpec, Constant, Expr, JoinPlan, Plan, TableSource } from './plan.js';
import { resultNotes } from './result.js';
import { formatPost } from './explain-post.js';
import type { RowSelection } from './plan.js';
import { scanStopsAtLimit } from './row-result.js';
import { storageTopN } from './top-n.js';
import { scaleOf, typeName } from '../values/types.js';

/** explainPlan describes every step of a plan, one item per line. */
export function explainPlan(plan: Plan): string {
  const { table } = plan;
  const lines = [
    `scan ${table.name} (${table.path})`,
    `  layout: ${layout(table)}`,
    `  schema: ${schemaSource(table)}`,
  ];
  if (table.schemaSource === 'inferred') {
    for (const column of table.columns) lines.push(`    ${column.name} ${typeName(column.type)}`);
  }
  lines.push(`  decode ${plan.usedColumns.length} of ${table.columns.length} columns:`);
  for (const index of plan.usedColumns) {
    const column = table.columns[index];
    if (column !== undefined) lines.push(`    #${index} ${column.name} ${typeName(column.type)}`);
  }
  if (plan.join !== undefined) lines.push(...explainJoin(plan.join));
  lines.push(`filter: ${plan.filter === undefined ? 'none (every row)' : `${formatExpr(plan.filter)} (in the storage program)`}`);
  if (plan.rows !== undefined) return `${[...lines, ...explainRows(plan, plan.rows)].join('\n')}\n`;
  lines.push(`group by: ${plan.groupBy.length === 0 ? 'none (one group)' : `${plan.groupBy.map((column) => column.name).join(', ')} (keys built in the storage program)`}`);
  if (plan.countDistinct !== undefined) {
    const set = plan.groupBy[plan.groupBy.length - 1]?.name;
    lines.push(`count distinct: the group map is the hash set of ${set} (in storage; --max-groups bounds it), merged across nodes as a union; the compute node counts its keys${plan.countDistinct.prefix > 0 ? ' per group' : ''}`);
  }
  if (plan.having !== undefined) lines.push(`having: ${formatPost(plan.having, plan)} (on the compute node, after the merge)`);
  lines.push('aggregates (in the storage program; partial results merged on the compute node):');
  plan.aggregates.forEach((aggregate, index) => lines.push(`  #${index} ${formatAggregate(aggregate)} -> ${typeName(aggregate.type)}`));
  if (plan.aggregates.length === 0) lines.push('  none');
  lines.push('outputs:');
  for (const output of plan.outputs) {
    const source = output.source.kind === 'group'
      ? `group key ${plan.groupBy[output.source.index]?.name ?? output.source.index}`
      : output.source.kind === 'aggregate'
        ? `aggregate #${output.source.index}`
        : output.source.kind === 'expr'
          ? `${formatPost(output.source.expr, plan)} (computed on the compute node, after the merge)`
          : `row value #${output.source.index}`;
    lines.push(`  ${output.name} = ${source} (${typeName(output.type)})`);
  }
  const order = plan.orderBy.map((key) => `${'expr' in key ? formatPost(key.expr, plan) : (plan.outputs[key.output]?.name ?? key.output)} ${key.desc ? 'desc' : 'asc'}`);
  lines.push(`order by: ${order.length === 0 ? 'group keys ascending (no ORDER BY)' : order.join(', ')} (on the compute node)`);
  lines.push(`limit: ${plan.limit ?? 'none'}`);
  lines.push(`malformed rows: ${plan.onError === 'stop' ? 'stop at the first' : 'skip and count'}`);
  for (const note of resultNotes(plan)) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/** explainJoin describes each build side: its table, key, filter and the values its map holds. */
function explainJoin(join: JoinPlan): string[] {
  const lines = ['join: the largest table above is the probe side; each smaller table is a build side, filtered on its own storage node, its rows loaded into a map the probe program looks each row up in'];
  join.builds.forEach((build, index) => {
    lines.push(`  build map #${index}: ${build.table.name} (${build.table.path}) by ${build.key.name}`);
    lines.push(`    filter: ${build.filter === undefined ? 'none (every row)' : formatExpr(build.filter)}`);
    for (const value of build.values) lines.push(`    value ${value.name} = ${formatExpr(value.expr)} (${typeName(value.expr.type)})`);
    if (build.values.length === 0) lines.push('    values: none (the key alone: a semi-join)');
  });
  return lines;
}

/** explainRows says what a row selection returns, and where each step runs. */
function explainRows(plan: Plan, rows: RowSelection): string[] {
  const { values, order } = rows;
  const name = (index: number) => plan.outputs[index]?.name ?? `(hidden) ${formatExpr(values[index] as Expr)}`;
  const top = storageTopN(plan);
  const lines = [
    top?.inStorage
      ? `row selection: the storage program keeps the values of its best ${top.n} kept rows in a heap map of ${top.n} slots, returned after the scan:`
      : 'row selection: the storage program returns each kept row\'s values through its output buffer:',
  ];
  values.forEach((value, index) => lines.push(`  #${index} ${name(index)} = ${formatExpr(value)} (${typeName(value.type)})`));
  const keys = order.map((key) => `${name(key.value)} ${key.desc ? 'desc' : 'asc'}`);
  const sorted = top?.inStorage
    ? 'in storage: each node keeps its best rows by these keys, then by file position; the compute node merges the nodes\' rows and sorts them, ties in file order'
    : 'on the compute node; ties keep file order';
  lines.push(`order by: ${keys.length === 0 ? 'none (file order)' : `${keys.join(', ')} (${sorted})`}`);
  const stops = scanStopsAtLimit(plan);
  const where = stops
    ? ' (in storage: the program stops the scan after that many rows)'
    : top === undefined
      ? (plan.limit === undefined ? '' : ' (on the compute node, after sorting)')
      : top.inStorage
        ? ' (in storage: each node returns at most that many rows; again on the compute node after the merge)'
        : ` (on the compute node, after sorting every kept row: ${top.why})`;
  lines.push(`limit: ${plan.limit ?? 'none'}${where}`);
  lines.push(`malformed rows: ${plan.onError === 'stop' ? 'stop at the first' : 'skip and count'}`);
  return lines;
}

function layout(table: TableSource): string {
  const delimiter = `'${table.delimiter}'-separated`;
  const trailing = table.trailingDelimiter ? `, trailing '${table.delimiter}'` : '';
  const header = table.header ? ', header row' : ', no header';
  const quotes = table.format === 'csv' ? ', double quotes' : '';
  return `${table.format}: ${delimiter}${trailing}${header}${quotes}`;
}

function schemaSource(table: TableSource): string {
  switch (table.schemaSource) {
    case 'builtin':
      return 'built-in TPC-H schema';
    case 'schema-file':
      return 'sibling .schema file';
    case 'inferred':
      return `inferred from the first ${table.inferredFromRows ?? 0} rows (write a .schema file to fix types)`;
  }
}

function formatAggregate(aggregate: AggregateSpec): string {
  if (aggregate.fn === 'count_star') return 'count(*)';
  return `${aggregate.fn}(${aggregate.arg === undefined ? '' : formatExpr(aggregate.arg)})`;
}

/**
 * formatExpr renders an expression as SQL-like text (constants at their scale, dates as date '...');
 * arithmetic is parenthesised only inside other arithmetic.
 */
export function formatExpr(expr: Expr, nested = false): string {
  switch (expr.kind) {
    case 'column':
      return expr.name;
    case 'constant':
      return formatConstant(expr.value);
    case 'rescale':
      if (expr.digits < 0) return `round(${formatExpr(expr.operand)} / 10^${-expr.digits})`;
      return expr.digits === 0 ? formatExpr(expr.operand, nested) : `${formatExpr(expr.operand, true)}*10^${expr.digits}`;
    case 'extract':
      return `extract(${expr.field} from ${expr.operand.name})`;
    case 'substring':
      return expr.name;
    case 'shift':
      return `${formatExpr(expr.operand, true)} ${expr.amount < 0n ? '-' : '+'} interval '${expr.amount < 0n ? -expr.amount : expr.amount}' ${expr.unit}`;
    case 'case': {
      const whens = expr.whens.map((branch) => ` when ${formatExpr(branch.when)} then ${formatExpr(branch.then)}`).join('');
      return `case${whens}${expr.otherwise === undefined ? '' : ` else ${formatExpr(expr.otherwise)}`} end`;
    }
    case 'arith': {
      const text = `${formatExpr(expr.left, true)} ${expr.op} ${formatExpr(expr.right, true)}`;
      return nested ? `(${text})` : text;
    }
    case 'compare':
      return `${formatExpr(expr.left)} ${expr.op} ${formatExpr(expr.right)}`;
    case 'in':
      return `${formatExpr(expr.operand)} in (${expr.values.map(formatConstant).join(', ')})`;
    case 'like': {
      return `${formatExpr(expr.operand)} like ${quote(expr.pattern)} (${expr.match})`;
    }
    case 'and':
    case 'or':
      return expr.operands.map((operand) => (operand.kind === 'and' || operand.kind === 'or' ? `(${formatExpr(operand)})` : formatExpr(operand))).join(` ${expr.kind} `);
    case 'not':
      return `not (${formatExpr(expr.operand)})`;
    case 'truth':
      return expr.value ? 'true' : 'false';
    case 'isnull':
      return `${formatExpr(expr.operand, true)} is null`;
    case 'unlessnull':
      return `${expr.value ? 'true' : 'false'} unless ${formatExpr(expr.operand, true)} is null`;
    case 'lookup':
      return `${expr.key.name} found in build map #${expr.build}`;
  }
}

/** formatConstant renders a constant as SQL text. */
export function formatConstant(value: Constant): string {
  switch (value.kind) {
    case 'number':
      return formatDecimalUnits(value.units, scaleOf(value.type));
    case 'date':
      return `date '${formatDateDays(Number(value.days))}'`;
    case 'string':
      return quote(value.text);
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
