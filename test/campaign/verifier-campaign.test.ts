// A seeded slice of the verifier campaign (bench/verifier-campaign.ts): Linux refuses nothing Sluice accepts, and accepted programs run as proven.
import { beforeAll, describe, expect, test } from 'vitest';
import { kernelAvailability } from '../../src/kernel/bpf.js';
import { runCampaign, type Tally } from '../../src/campaign/verifier-campaign.js';

const availability = kernelAvailability();
if (!availability.ok) console.warn(`skipping the Linux half of the verifier campaign: ${availability.reason}`);

const SEED = 1;
const COUNT = 2000;
let tally: Tally;
beforeAll(() => {
  tally = runCampaign({ first: SEED, count: COUNT, kernel: availability.ok });
}, 60_000);

/**
 * OPEN lists the classes of failure the campaign has found and that are not fixed yet; the campaign may show these and nothing else. Delete a line when its fix lands.
 */
const OPEN = new Set<string>([]);

const unexpected = (groups: Map<string, { examples: { seed: number; detail: string }[] }>) =>
  [...groups].filter(([cls]) => !OPEN.has(cls)).map(([cls, g]) => `${cls} (seed ${g.examples[0]!.seed}: ${g.examples[0]!.detail})`);

describe(`verifier campaign, seeds ${SEED}..${SEED + COUNT - 1}`, () => {
  test('the generator makes programs both ways: many accepted, many refused', () => {
    expect(tally.sluiceAccepts).toBeGreaterThan(COUNT / 4);
    expect(tally.sluiceAccepts).toBeLessThan((COUNT * 3) / 4);
    expect(tally.crashExamples).toEqual([]);
  });

  test('every accepted program stays inside what was proven, and the interpreter and the JIT agree on it', () => {
    expect(unexpected(tally.violations)).toEqual([]);
    expect(tally.disagreements).toEqual([]);
  });

  test.skipIf(!availability.ok)('Linux refuses no program Sluice accepts, apart from hook fields past xdp_md', () => {
    expect(unexpected(tally.sluiceOnly)).toEqual([]);
    expect(tally.linuxAccepts).toBeGreaterThan(COUNT / 4);
  });
});
