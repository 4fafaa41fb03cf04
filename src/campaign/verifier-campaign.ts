// The verifier campaign's loop: generate, judge with Sluice and Linux, run what Sluice accepts audited on both engines, and tally.
import { reasonClass, agreement, linuxVerdict, Runner, sluiceVerdict, type Agreement } from './verifier-differential.js';
import { generateVerifierProgram } from '../fuzz/verifier-generator.js';

/** Example is one program worth showing: its seed, how it was made, and why it is interesting. */
export interface Example {
  readonly seed: number;
  readonly recipe: string;
  readonly detail: string;
}

/** Tally is a campaign's counts; `classes` groups examples by the reason they share (first seeds kept). */
export interface Tally {
  tried: number;
  sluiceAccepts: number;
  linuxAccepts: number;
  verdicts: Record<Agreement, number>;
  crashes: number;
  auditViolations: number;
  engineDisagreements: number;
  /** Sluice's refusal classes of Linux-only programs, with counts and first examples. */
  linuxOnly: Map<string, { count: number; examples: Example[] }>;
  /** Linux's refusal classes of Sluice-only programs (failures; hook fields apart). */
  sluiceOnly: Map<string, { count: number; examples: Example[] }>;
  hook: Example[];
  linuxBugs: Example[];
  violations: Map<string, { count: number; examples: Example[] }>;
  disagreements: Example[];
  crashExamples: Example[];
}

/** CampaignOptions: where to start, how many, and whether Linux is asked (when bpf() works). */
export interface CampaignOptions {
  readonly first: number;
  readonly count: number;
  readonly kernel: boolean;
  readonly chunks?: number;
  /** Called every `every` programs with the tally so far. */
  readonly progress?: (tally: Tally) => void;
  readonly every?: number;
}

const KEEP = 5;

/** runCampaign runs programs first .. first + count - 1 (program k uses seed k). */
export function runCampaign(options: CampaignOptions): Tally {
  const tally: Tally = {
    tried: 0,
    sluiceAccepts: 0,
    linuxAccepts: 0,
    verdicts: { both: 0, neither: 0, 'sluice-only': 0, hook: 0, 'linux-bug': 0, 'linux-only': 0 },
    crashes: 0,
    auditViolations: 0,
    engineDisagreements: 0,
    linuxOnly: new Map(),
    sluiceOnly: new Map(),
    hook: [],
    linuxBugs: [],
    violations: new Map(),
    disagreements: [],
    crashExamples: [],
  };
  const runner = new Runner(options.chunks ?? 3);
  for (let seed = options.first; seed < options.first + options.count; seed++) {
    const { spec, recipe } = generateVerifierProgram(seed);
    const sluice = sluiceVerdict(spec);
    tally.tried++;
    if (!sluice.verdict.ok && sluice.verdict.reason.startsWith('crash:')) {
      tally.crashes++;
      keep(tally.crashExamples, { seed, recipe, detail: sluice.verdict.reason });
    }
    if (sluice.result) {
      tally.sluiceAccepts++;
      const run = runner.check(spec, sluice.result, seed);
      if (run.kind === 'violation') {
        tally.auditViolations++;
        group(tally.violations, violationClass(run.detail), { seed, recipe, detail: run.detail });
      } else if (run.kind === 'disagreement') {
        tally.engineDisagreements++;
        keep(tally.disagreements, { seed, recipe, detail: run.detail });
      }
    }
    if (options.kernel) {
      const linux = linuxVerdict(spec);
      if (linux.ok) tally.linuxAccepts++;
      const verdict = agreement(sluice.verdict, linux);
      tally.verdicts[verdict]++;
      if (verdict === 'linux-only') group(tally.linuxOnly, reasonClass((sluice.verdict as { reason: string }).reason), { seed, recipe, detail: (sluice.verdict as { reason: string }).reason });
      else if (verdict === 'sluice-only') group(tally.sluiceOnly, reasonClass((linux as { reason: string }).reason), { seed, recipe, detail: (linux as { reason: string }).reason });
      else if (verdict === 'hook') keep(tally.hook, { seed, recipe, detail: (linux as { reason: string }).reason });
      else if (verdict === 'linux-bug') keep(tally.linuxBugs, { seed, recipe, detail: (linux as { reason: string }).reason });
    }
    if (options.progress && (tally.tried % (options.every ?? 10_000) === 0)) options.progress(tally);
  }
  return tally;
}

/** violationClass is an audit violation's message with its numbers and addresses replaced. */
export function violationClass(detail: string): string {
  return reasonClass(detail.replace(/^chunk \d+ \(\d+ bytes\): /, ''));
}

function keep(list: Example[], example: Example): void {
  if (list.length < KEEP) list.push(example);
}

function group(groups: Map<string, { count: number; examples: Example[] }>, key: string, example: Example): void {
  let entry = groups.get(key);
  if (!entry) groups.set(key, (entry = { count: 0, examples: [] }));
  entry.count++;
  keep(entry.examples, example);
}
