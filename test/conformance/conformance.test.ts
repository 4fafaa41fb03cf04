// Every engine against the shared bpf_conformance suite: all positive programs match, all negative ones are refused.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ConformanceCase, parseConformance, runConformance } from '../../src/vm/conformance.js';
import { ENGINES } from '../../src/vm/engines.js';
import { conformanceDir } from '../../src/util/paths.js';

const DIR = `${conformanceDir()}/`;
const available = existsSync(DIR);
if (!available) console.log(`skipping the conformance suite: ${DIR} is missing`);

function load(sub: string): ConformanceCase[] {
  if (!available) return [];
  return readdirSync(DIR + sub)
    .filter((f) => f.endsWith('.data'))
    .sort()
    .map((f) => parseConformance(readFileSync(DIR + sub + f, 'utf8'), sub + f));
}

const positives = load('');
const negatives = load('negative/');

describe.skipIf(!available).each(ENGINES.map((engine) => [engine.name, engine] as const))('%s', (_name, engine) => {
  it('finds the whole suite', () => {
    expect(positives.length).toBe(313);
    expect(negatives.length).toBeGreaterThanOrEqual(60);
  });

  it('passes every positive program on all 64 bits of r0', () => {
    const failures: string[] = [];
    for (const test of positives) {
      const outcome = runConformance(test, engine);
      if ('error' in outcome) failures.push(`${test.file}: ${outcome.error.message}`);
      else if (outcome.r0 !== test.result) {
        failures.push(`${test.file}: r0 = 0x${outcome.r0.toString(16)}, expected 0x${test.result?.toString(16)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses every negative program with a clear message', () => {
    const accepted: string[] = [];
    for (const test of negatives) {
      const outcome = runConformance(test, engine);
      if ('error' in outcome) {
        // A refusal names what is wrong: at least a few words, never an internal TypeError.
        expect(outcome.error.message.length, test.file).toBeGreaterThan(10);
        expect(outcome.error).not.toBeInstanceOf(TypeError);
      } else if (test.result === undefined || outcome.r0 === test.result) {
        accepted.push(test.file);
      }
    }
    expect(accepted).toEqual([]);
  });
});
