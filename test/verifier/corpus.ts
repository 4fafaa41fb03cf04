// Reads the verifier corpus: small assembler files whose header says whether and why they must be refused.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/asm/assembler.js';
import type { ProgramSpec } from '../../src/asm/program.js';

/**
 * CorpusEntry is one program. Header lines (`; ...` at the top of the file):
 *   `; <why it is safe or unsafe>`
 *   `; expect: accepted` or `; expect: <substring of Sluice's refusal>`
 *   `; kernel: accepts|refuses (...)` Linux's verdict (loaded as root) where it differs from Sluice's,
 *     or a note on how Linux words the same refusal
 *   `; complexity: N` a smaller complexity limit for Sluice, so a runaway loop fails fast in tests
 * Maps are `.map` lines (see src/asm/asm-directives.ts). Every program runs with the hook context.
 */
export interface CorpusEntry {
  readonly name: string;
  readonly file: string;
  readonly safe: boolean;
  readonly why: string;
  /** Substring Sluice's refusal must contain (unsafe entries). */
  readonly expect: string;
  /** Linux's verdict: true if it loads the program. */
  readonly kernelAccepts: boolean;
  /** Why Linux's verdict differs from Sluice's, if it does. */
  readonly kernelNote: string | undefined;
  readonly complexityLimit: number | undefined;
  readonly spec: ProgramSpec;
}

/** CORPUS_DIR is the folder holding safe/ and unsafe/. */
export const CORPUS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'corpus');

/** loadCorpus reads and assembles every corpus file, safe ones first. */
export function loadCorpus(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  for (const kind of ['safe', 'unsafe'] as const) {
    const dir = join(CORPUS_DIR, kind);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.s')).sort()) {
      const file = join(dir, name);
      const text = readFileSync(file, 'utf8');
      const header = text.split('\n').filter((l) => l.startsWith(';')).map((l) => l.slice(1).trim());
      const field = (key: string) => header.find((l) => l.startsWith(`${key}:`))?.slice(key.length + 1).trim();
      const expect = field('expect');
      if (!expect) throw new Error(`${file}: missing '; expect:' header`);
      const safe = kind === 'safe';
      const kernel = field('kernel');
      const complexity = field('complexity');
      out.push({
        name: `${kind}/${name.replace(/\.s$/, '')}`,
        file,
        safe,
        why: header[0] ?? '',
        expect,
        kernelAccepts: kernel ? kernel.startsWith('accepts') : safe,
        kernelNote: kernel,
        complexityLimit: complexity ? Number(complexity) : undefined,
        spec: assemble(text, { file, name: name.replace(/\W/g, '_').slice(0, 15), section: 'xdp' }),
      });
    }
  }
  return out;
}
