// One campaign step: run a case through Sluice and through the reference, and judge the two.
import { describeCase, type Case } from './case.js';
import { judge, type Verdict } from './judge.js';
import { DEFAULT_POLICY, evaluateCase, type Policy, type Tag } from './reference.js';
import { runSluice } from './run-sluice.js';

/** CheckOptions: `verify` as for runSluice; `judged` the tags of known bugs whose differences count (see judge). */
export interface CheckOptions {
  readonly verify: boolean;
  readonly judged: ReadonlySet<Tag>;
  readonly policy?: Policy;
}

/** checkCase judges one case; `dir` is a scratch directory for the table files. */
export function checkCase(c: Case, dir: string, options: CheckOptions): Verdict {
  return judge(runSluice(c, dir, options.verify), evaluateCase(c, options.policy ?? DEFAULT_POLICY), options.judged);
}

/** explain renders a case and its verdict for a failure report. */
export function explain(c: Case, verdict: Verdict): string {
  return `${verdict.key}\n${describeCase(c)}\n${verdict.detail ?? ''}`;
}
