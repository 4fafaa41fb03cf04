// Cross-check: every corpus program gets the same verdict from Linux (loaded as XDP) as from Sluice,
// except entries whose header documents why Linux legitimately differs.
import { describe, expect, test } from 'vitest';
import { KernelVerifierError, kernelAvailability, loadKernelProgram } from '../../src/kernel/bpf.js';
import { VerifierError, verify } from '../../src/verifier/index.js';
import { loadCorpus } from './corpus.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';

const availability = kernelAvailability();
if (!availability.ok) console.log(`kernel cross-check skipped: ${availability.reason}`);

/** kernelVerdict loads a program into Linux as XDP and says whether its verifier accepted it. */
function kernelVerdict(entry: ReturnType<typeof loadCorpus>[number]): boolean {
  try {
    loadKernelProgram(entry.spec, { type: 'xdp' }).close();
    return true;
  } catch (e) {
    if (e instanceof KernelVerifierError) return false;
    throw e;
  }
}

function sluiceVerdict(entry: ReturnType<typeof loadCorpus>[number]): boolean {
  try {
    verify(entry.spec, { context: HOOK_CONTEXT, complexityLimit: entry.complexityLimit });
    return true;
  } catch (e) {
    if (e instanceof VerifierError) return false;
    throw e;
  }
}

describe.skipIf(!availability.ok)('Linux verifier agrees with Sluice on the corpus', () => {
  const corpus = loadCorpus();
  test.each(corpus.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    const sluice = sluiceVerdict(entry);
    const linux = kernelVerdict(entry);
    expect(sluice, 'Sluice verdict matches the corpus').toBe(entry.safe);
    expect(linux, entry.kernelNote ?? 'Linux should agree with Sluice').toBe(entry.kernelAccepts);
    if (!entry.kernelNote) expect(linux).toBe(sluice);
  });
});
