// Merging the answers of several scans of one table (one per cluster node, in file order) into the answer of one scan.
import type { AggregateSpec, Plan } from '../sql/plan.js';
import { SluiceError } from '../util/errors.js';
import { compareValues, type AggregateState, type GroupState } from '../sql/result.js';
import type { Value } from '../values/types.js';
import { fatalReason, type ScanAnswer } from './read-maps.js';
import { FatalCode } from './layout.js';

const INT128_MIN = -(1n << 127n);
const INT128_MAX = (1n << 127n) - 1n;

/**
 * MergeError is a failure that only the merge of the nodes' answers finds (a sum beyond 128 bits,
 * too many groups in the union): no line of the file is at fault, so it names the file and the
 * aggregate or limit instead.
 */
export class MergeError extends SluiceError {
  override name = 'MergeError';
  constructor(file: string, reason: string) {
    super(`${file}: merging the nodes' answers: ${reason}`);
  }
}

/**
 * mergeAnswers combines scans of consecutive parts of one file, given in file order, into the
 * answer one scan of the whole file gives:
 * - the first failing part decides the error (a fatal condition, or under 'stop' the first
 *   malformed row): one scan would have stopped there. Its lines must already be the file's
 *   (the caller corrects them; see lineOffset in the cluster runner).
 * - the first malformed row is the first part's that has one; skipped and well-formed rows add up.
 * - groups are a union by key; each aggregate merges its states (mergeState); a group count above
 *   `maxGroups` after the union is the "too many groups" error one scan would report.
 */
export function mergeAnswers(plan: Plan, answers: readonly ScanAnswer[], maxGroups: number, file: string): ScanAnswer {
  const failing = answers.find((answer) => answer.fatal !== undefined || (answer.error !== undefined && plan.onError === 'stop'));
  if (failing) return failing;
  const groups = new Map<string, GroupState>();
  for (const answer of answers) {
    for (const group of answer.groups) {
      const key = keyText(group.keys);
      const seen = groups.get(key);
      groups.set(
        key,
        seen === undefined
          ? group
          : { keys: seen.keys, aggregates: seen.aggregates.map((state, i) => mergeState(plan, i, state, group.aggregates[i] as AggregateState, file)) },
      );
    }
  }
  if (groups.size > maxGroups) throw new MergeError(file, `${fatalReason(FatalCode.groupsFull, maxGroups, plan)}; the union has ${groups.size} groups`);
  const error = answers.find((answer) => answer.error !== undefined)?.error;
  return {
    ...(error ? { error } : {}),
    rows: answers.reduce((sum, answer) => sum + answer.rows, 0n),
    skipped: answers.reduce((sum, answer) => sum + answer.skipped, 0n),
    groups: [...groups.values()],
  };
}

/**
 * mergeState combines the states of the plan's aggregate `index` from two parts: counts add; SUM and
 * AVG add their exact sums (an AVG is divided out only after the merge), refusing a sum outside the
 * program's signed 128-bit accumulator (a MergeError naming the aggregate); MIN and MAX keep the
 * smaller or larger value (a state that saw no row has none).
 */
function mergeState(plan: Plan, index: number, a: AggregateState, b: AggregateState, file: string): AggregateState {
  const spec = plan.aggregates[index] as AggregateSpec;
  const count = a.count + b.count;
  switch (spec.fn) {
    case 'count_star':
    case 'count':
      return { count, value: null };
    case 'sum':
    case 'avg': {
      const sum = (a.value as bigint | null ?? 0n) + (b.value as bigint | null ?? 0n);
      if (sum < INT128_MIN || sum > INT128_MAX) {
        throw new MergeError(file, `the nodes' partial sums of ${aggregateName(plan, index)} add up to a value beyond the 128 bits a sum holds`);
      }
      return { count, value: sum };
    }
    case 'min':
    case 'max': {
      if (a.count === 0n) return { count, value: b.value };
      if (b.count === 0n) return { count, value: a.value };
      const order = compareValues(a.value, b.value);
      return { count, value: (spec.fn === 'min' ? order <= 0 : order >= 0) ? a.value : b.value };
    }
  }
}

/** aggregateName names aggregate `index` in errors: by the output column that shows it, else by its function and position. */
function aggregateName(plan: Plan, index: number): string {
  const fn = (plan.aggregates[index] as AggregateSpec).fn === 'avg' ? 'AVG' : 'SUM';
  const output = plan.outputs.find((column) => column.source.kind === 'aggregate' && column.source.index === index);
  return output ? `${fn} '${output.name}'` : `${fn} (aggregate ${index + 1})`;
}

/** keyText is a group key as one string: each value tagged with its kind, so 1 and '1' stay apart. */
function keyText(keys: readonly Value[]): string {
  return JSON.stringify(keys.map((value) => (typeof value === 'bigint' ? `n${value}` : value === null ? null : `s${value}`)));
}
