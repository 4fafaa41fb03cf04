// The verifier corpus: every unsafe program is refused with its expected reason, every safe one accepted.
import { describe, expect, test } from 'vitest';
import { VerifierError, verify } from '../../src/verifier/index.js';
import { loadCorpus } from './corpus.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';

const corpus = loadCorpus();

describe('verifier corpus', () => {
  test('has at least 60 unsafe and 30 safe programs', () => {
    expect(corpus.filter((e) => !e.safe).length).toBeGreaterThanOrEqual(60);
    expect(corpus.filter((e) => e.safe).length).toBeGreaterThanOrEqual(30);
  });

  test.each(corpus.filter((e) => e.safe).map((e) => [e.name, e] as const))('%s is accepted', (_name, entry) => {
    const result = verify(entry.spec, { context: HOOK_CONTEXT, complexityLimit: entry.complexityLimit });
    expect(result.stats.processedInsns).toBeGreaterThan(0);
  });

  test.each(corpus.filter((e) => !e.safe).map((e) => [e.name, e] as const))('%s is refused', (_name, entry) => {
    let error: unknown;
    try {
      verify(entry.spec, { context: HOOK_CONTEXT, complexityLimit: entry.complexityLimit });
    } catch (e) {
      error = e;
    }
    expect(error, entry.why).toBeInstanceOf(VerifierError);
    const refusal = error as VerifierError;
    expect(refusal.message).toContain(entry.expect);
    expect(refusal.message.split('\n')[0]).toContain(refusal.reason.split('\n')[0]!);
  });
});
