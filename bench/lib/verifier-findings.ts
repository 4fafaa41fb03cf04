// Writes the verifier campaign's failures as minimized reproducers, one file per new kind, for the verifier's fixers.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../src/asm/assembler.js';
import { disassemble } from '../../src/asm/disassembler.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { type Tally, violationClass } from '../../src/campaign/verifier-campaign.js';
import { agreement, linuxVerdict, minimize, reasonClass, Runner, sluiceVerdict } from '../../src/campaign/verifier-differential.js';
import { generateVerifierProgram } from '../../src/fuzz/verifier-generator.js';

/** CHUNKS is how many chunks a minimized reproducer runs on to describe what Sluice does with it. */
const CHUNKS = 24;

/**
 * fileFindings minimizes the first example of every Sluice-only class and audit-violation class
 * not already filed in `dir` (by the class line), and writes each to
 * `dir/NNN-short-name.txt`. Returns one line per file written or class skipped.
 */
export function fileFindings(tally: Tally, dir: string, kernel: boolean): string[] {
  mkdirSync(dir, { recursive: true });
  const filed = filedClasses(dir);
  const lines: string[] = [];
  let next = nextNumber(dir);
  const runner = new Runner(CHUNKS);
  const write = (cls: string, kind: string, seed: number, recipe: string, spec: ProgramSpec, linux: string) => {
    const sluice = sluiceVerdict(spec);
    const run = sluice.result ? runner.check(spec, sluice.result, seed) : undefined;
    const runtime = !run ? 'Sluice refuses the minimized program (it should not happen).' : run.kind === 'agree' ? `no misbehaviour seen on ${CHUNKS} random chunks (the audit found nothing)` : run.detail;
    const text = disassemble(spec);
    if (JSON.stringify(assemble(text).insns) !== JSON.stringify(spec.insns)) throw new Error(`seed ${seed}: the disassembly does not assemble back to the program`);
    const name = `${String(next++).padStart(3, '0')}-${slug(cls)}.txt`;
    const header = [
      `; ${kind}`,
      `; class: ${cls}`,
      `; found by: node dist/bench/verifier-campaign.js --count 1 --seed ${seed}   (recipe: ${recipe})`,
      `; Linux 6.18 says: ${linux}`,
      `; Sluice verifier: ${sluice.verdict.ok ? 'accepts' : `refuses: ${sluice.verdict.reason}`}`,
      `; Sluice at run time (interpreter audit mode, JIT with the verifier's facts): ${runtime}`,
    ];
    writeFileSync(join(dir, name), `${header.join('\n')}\n${text}`);
    filed.add(cls);
    lines.push(`filed ${join(dir, name)} (${spec.insns.length} instructions)`);
  };
  if (kernel) {
    for (const [cls, group] of tally.sluiceOnly) {
      if (filed.has(cls)) {
        lines.push(`already filed: ${cls}`);
        continue;
      }
      const { seed, recipe } = group.examples[0]!;
      const keeps = (candidate: ProgramSpec) => {
        const sluice = sluiceVerdict(candidate).verdict;
        const linux = linuxVerdict(candidate);
        return agreement(sluice, linux) === 'sluice-only' && reasonClass((linux as { reason: string }).reason) === cls;
      };
      const spec = minimize(generateVerifierProgram(seed).spec, keeps);
      const linux = linuxVerdict(spec);
      write(cls, 'Sluice accepts, Linux refuses', seed, recipe, spec, linux.ok ? 'accepts' : linux.reason);
    }
  }
  for (const [cls, group] of tally.violations) {
    if (filed.has(cls)) {
      lines.push(`already filed: ${cls}`);
      continue;
    }
    const { seed, recipe } = group.examples[0]!;
    const violation = new Runner(3);
    const keeps = (candidate: ProgramSpec) => {
      const result = sluiceVerdict(candidate).result;
      const run = result && violation.check(candidate, result, seed);
      return run?.kind === 'violation' && violationClass(run.detail) === cls;
    };
    const spec = minimize(generateVerifierProgram(seed).spec, keeps);
    const linux = kernel ? linuxVerdict(spec) : undefined;
    write(cls, 'Sluice accepts, and a run breaks what it proved', seed, recipe, spec, !linux ? '(kernel not asked)' : linux.ok ? 'accepts' : linux.reason);
  }
  return lines;
}

/**
 * filedClasses reads the `; class:` lines (a finding may show several) of the open findings in
 * `dir`. Fixed ones (dir/fixed) do not count: a class that shows again after its fix is a case the fix missed.
 */
function filedClasses(dir: string): Set<string> {
  const classes = new Set<string>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.txt')) continue;
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/^; class: (.*)$/gm)) classes.add(match[1]!);
  }
  return classes;
}

/** nextNumber is one more than the highest NNN- prefix in `dir` and `dir/fixed`. */
function nextNumber(dir: string): number {
  let highest = 0;
  for (const folder of [dir, join(dir, 'fixed')]) {
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder)) highest = Math.max(highest, Number(/^(\d+)-/.exec(file)?.[1] ?? 0));
  }
  return highest + 1;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '').split('-').slice(0, 6).join('-') || 'finding';
}
