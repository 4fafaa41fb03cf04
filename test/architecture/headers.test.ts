// Every source file of src/ and bench/ opens with a header comment saying what it is for (after a shebang, where there is one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceFiles } from './source-files.js';

describe('file headers', () => {
  it('open every file of src/ and bench/ with a one-line comment of a few words', () => {
    const missing: string[] = [];
    for (const file of [...sourceFiles('src'), ...sourceFiles('bench')]) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      const header = lines[0]?.startsWith('#!') ? lines[1] : lines[0];
      if (!/^\/\/ \S.{20,}$/.test(header ?? '')) missing.push(`${file}: ${header}`);
    }
    expect(missing).toEqual([]);
  });
});
