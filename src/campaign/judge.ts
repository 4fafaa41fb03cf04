// The campaign's property: pushdown equals ship-all equals the reference, or all refuse with a clean Sluice error.
import type { Expected, Tag } from './reference.js';
import type { Outcome, SluiceRun } from './run-sluice.js';

/**
 * Verdict is the judgement of one case:
 * - agree: both Sluice paths gave the reference's answer;
 * - refuse: both refused cleanly and the reference refuses too, or the case touches a documented limit (leeway);
 * - unspecified: the input is outside the rules the reference knows (not counted either way);
 * - known: a difference in a case that touches a class of known bugs the run leaves out (see Tag);
 * - difference: anything else, a bug to minimise and report.
 * `key` groups verdicts for the counts; `notes` flags disagreements that are not wrong answers (error positions).
 */
export interface Verdict {
  readonly status: 'agree' | 'refuse' | 'unspecified' | 'known' | 'difference';
  readonly key: string;
  readonly detail?: string;
  readonly notes: readonly string[];
}

function same(a: Outcome, b: Outcome): boolean {
  if (a.ok && b.ok) return a.skipped === b.skipped && JSON.stringify(a.rows) === JSON.stringify(b.rows);
  if (!a.ok && !b.ok) return a.error.name === b.error.name && a.error.line === b.error.line && a.error.column === b.error.column;
  return false;
}

function show(outcome: Outcome): string {
  if (outcome.ok) return `rows ${JSON.stringify(outcome.rows)}, skipped ${outcome.skipped}`;
  const { name, message, unclean } = outcome.error;
  return `${name}: ${message}${unclean === undefined ? '' : ` [${unclean}]`}`;
}

/**
 * judge compares what Sluice did with what the reference expects. A difference in a case that touches
 * a tag outside `judged` is reported as known; its key lists the case's tags either way.
 */
export function judge(run: SluiceRun, expected: Expected, judged: ReadonlySet<Tag>): Verdict {
  const notes: string[] = [];
  const tags = [...expected.tags].sort();
  const known = tags.some((tag) => !judged.has(tag));
  const difference = (key: string, detail: string): Verdict => ({
    status: known ? 'known' : 'difference',
    key: tags.length === 0 ? key : `${key} [${tags.join(', ')}]`,
    detail,
    notes,
  });
  for (const [path, outcome] of [['pushdown', run.pushdown], ['ship-all', run.shipAll]] as const) {
    if (!outcome.ok && outcome.error.unclean !== undefined) {
      return difference(`unclean error (${path}: ${outcome.error.unclean})`, `${path}: ${show(outcome)}`);
    }
  }
  if (!same(run.pushdown, run.shipAll)) {
    if (run.pushdown.ok && run.shipAll.ok) {
      return difference('pushdown and ship-all differ', `pushdown: ${show(run.pushdown)}\nship-all: ${show(run.shipAll)}`);
    }
    if (run.pushdown.ok !== run.shipAll.ok) {
      // One path refuses cleanly, the other answers: fine only within a documented limit, with the right answer.
      const answered = run.pushdown.ok ? run.pushdown : run.shipAll;
      const rightAnswer = expected.kind === 'answer' && answered.ok && answered.skipped === expected.skipped && JSON.stringify(answered.rows) === JSON.stringify(expected.rows);
      if (!rightAnswer || expected.kind !== 'answer' || expected.leeway.size === 0) {
        return difference('pushdown and ship-all differ', `pushdown: ${show(run.pushdown)}\nship-all: ${show(run.shipAll)}`);
      }
      return { status: 'refuse', key: `${run.pushdown.ok ? 'ship-all' : 'pushdown'} alone refuses within leeway: ${[...expected.leeway].sort().join(', ')}`, notes };
    }
    const at = (outcome: Outcome): string => (outcome.ok ? '' : `${outcome.error.line}:${outcome.error.column}`);
    notes.push(`pushdown and ship-all refuse at different positions (${at(run.pushdown)} and ${at(run.shipAll)})`);
  }
  const sluice = run.pushdown;
  const where = (refusal: { line?: number; column?: number }): string =>
    refusal.line === undefined ? '' : ` at ${refusal.line}${refusal.column === undefined ? '' : `:${refusal.column}`}`;
  const truth = expected.kind === 'answer' ? `rows ${JSON.stringify(expected.rows)}, skipped ${expected.skipped}` : expected.kind === 'refuse' ? `refuse (${expected.refusal.reason}${where(expected.refusal)}): ${expected.refusal.detail}` : '';
  if (expected.kind === 'unspecified') return { status: 'unspecified', key: `unspecified: ${expected.why}`, notes };
  if (expected.kind === 'refuse') {
    if (sluice.ok && expected.refusal.inCondition === true) return { status: 'unspecified', key: 'unspecified: answers past an overflow inside WHERE', notes };
    if (sluice.ok) return difference(`answers where it must refuse (${expected.refusal.reason})`, `sluice: ${show(sluice)}\ntruth: ${truth}`);
    const { line, column } = expected.refusal;
    if (line !== undefined && sluice.error.line !== line) notes.push(`refusal line ${sluice.error.line} where the reference says ${line}`);
    else if (column !== undefined && sluice.error.column !== column) notes.push(`refusal column ${sluice.error.column} where the reference says ${column}`);
    return { status: 'refuse', key: `refuse: ${expected.refusal.reason}`, detail: `sluice: ${show(sluice)}${run.shipAll.ok ? '' : `\nship-all: ${show(run.shipAll)}`}\ntruth: ${truth}`, notes };
  }
  if (!sluice.ok) {
    if (expected.leeway.size > 0) return { status: 'refuse', key: `refuse within leeway: ${[...expected.leeway].sort().join(', ')}`, notes };
    return difference('refuses where it must answer', `sluice: ${show(sluice)}\ntruth: ${truth}`);
  }
  if (sluice.skipped !== expected.skipped || JSON.stringify(sluice.rows) !== JSON.stringify(expected.rows)) {
    return difference('wrong answer', `sluice: ${show(sluice)}\ntruth: ${truth}`);
  }
  return { status: 'agree', key: 'agree', notes };
}
