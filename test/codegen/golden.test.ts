// Golden disassembly of every example query's program: a change to emitted code shows up in review. Regenerate with UPDATE_GOLDEN=1.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { disassemble } from '../../src/asm/disassembler.js';
import { planQuery } from '../../src/sql/bind.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { exampleCatalog } from '../sql/helpers.js';
import { exampleBuildMaps } from './join-maps.js';

const QUERIES = join(import.meta.dirname, '../../queries');
const GOLDEN = join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const catalog = exampleCatalog();

describe('golden disassembly of the example queries', () => {
  test.each(readdirSync(QUERIES).filter((f) => f.endsWith('.sql')).sort())('%s', (file) => {
    const plan = planQuery(readFileSync(join(QUERIES, file), 'utf8'), catalog);
    const compiled = compileQuery(plan, { buildMaps: exampleBuildMaps(plan) });
    const listing = disassemble(compiled.spec, { labels: true });
    const path = join(GOLDEN, file.replace(/\.sql$/, '.txt'));
    if (UPDATE) writeFileSync(path, listing);
    expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npx vitest run test/codegen/golden.test.ts`).toBe(true);
    expect(listing, `${file}: the emitted program changed; if intended, regenerate with UPDATE_GOLDEN=1`).toBe(readFileSync(path, 'utf8'));
  });
});
