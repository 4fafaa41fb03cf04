// The layering docs/ARCHITECTURE.md draws: every room of src/ is in its diagram, and every import goes down to a room the document allows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceFiles } from './source-files.js';

const ALL_ROOMS = ['cli', 'bench', 'campaign', 'engine', 'codegen', 'baseline', 'datasets', 'sql', 'report', 'storage', 'net', 'values', 'fuzz', 'vm', 'kernel', 'verifier', 'elf', 'asm', 'util'];

/**
 * MAY_IMPORT is the per-room list of docs/ARCHITECTURE.md ("Per room"): the rooms each may import, and the packages.
 * `only` narrows a room to some of its files (a path inside src/); `files` gives a room's files their own lists.
 */
const MAY_IMPORT: Record<string, { rooms: string[]; packages?: string[]; only?: Record<string, string[]>; files?: Record<string, string[]> }> = {
  cli: { rooms: ALL_ROOMS.filter((room) => room !== 'cli' && room !== 'bench'), packages: ['commander'] },
  bench: { rooms: ALL_ROOMS.filter((room) => room !== 'cli' && room !== 'bench'), packages: ['commander', 'tinybench', 'fast-check', '@duckdb/node-api'] },
  campaign: {
    rooms: [],
    packages: ['fast-check'],
    files: {
      'campaign/run-sluice.ts': ['engine', 'baseline', 'datasets', 'sql', 'values', 'storage', 'vm', 'util'],
      'campaign/verifier-campaign.ts': ['fuzz', 'verifier', 'kernel', 'vm', 'asm', 'util', 'storage/hook-context.ts'],
      'campaign/verifier-differential.ts': ['fuzz', 'verifier', 'kernel', 'vm', 'asm', 'util', 'storage/hook-context.ts'],
    },
  },
  engine: { rooms: ['codegen', 'baseline', 'datasets', 'sql', 'report', 'storage', 'net', 'values', 'fuzz', 'vm', 'kernel', 'verifier', 'elf', 'asm', 'util'], packages: ['@duckdb/node-api'] },
  codegen: { rooms: ['sql', 'values', 'asm', 'util', 'storage'], only: { storage: ['storage/hook-context.ts'] } },
  baseline: { rooms: ['sql', 'values', 'util'], packages: ['csv-parse'] },
  datasets: { rooms: ['sql', 'values', 'util'], packages: ['csv-parse'] },
  sql: { rooms: ['values', 'util'] },
  report: { rooms: ['storage', 'net', 'util'] },
  storage: { rooms: ['net', 'values', 'vm', 'verifier', 'kernel', 'asm', 'util'], packages: ['csv-parse'], only: { values: ['values/csv-rows.ts'] } },
  net: { rooms: ['util'] },
  values: { rooms: ['util'] },
  fuzz: { rooms: ['vm', 'asm', 'util'] },
  vm: { rooms: ['asm', 'util'] },
  kernel: { rooms: ['elf', 'asm', 'util'] },
  verifier: { rooms: ['asm', 'util'] },
  elf: { rooms: ['asm', 'util'] },
  asm: { rooms: ['util'] },
  util: { rooms: [], packages: ['commander'] },
};

/** diagramLines reads the layer diagram of docs/ARCHITECTURE.md: one array of room names per line, top first. */
function diagramLines(): string[][] {
  const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Layers'));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (/^(\S+(?:, \S+)*)\s{2,}/.exec(line)?.[1] ?? '').split(', '));
}

/** roomOf names the room of a repository path: src/<room>/..., bench/..., test/...; undefined outside them. */
function roomOf(path: string): string | undefined {
  const parts = path.split(sep);
  if (parts[0] === 'src') return parts[1];
  if (parts[0] === 'bench' || parts[0] === 'test') return parts[0];
  return undefined;
}

/** imports lists what a file imports (static, type-only, re-exports and dynamic import()): repository paths, or package names. */
function imports(file: string): { target: string; isPackage: boolean }[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) {
      const parts = fileName.split('/');
      return { target: fileName.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!, isPackage: true };
    }
    return { target: relative(ROOT, resolve(ROOT, file, '..', fileName)).replace(/\.js$/, '.ts'), isPackage: false };
  });
}

const files = [...sourceFiles('src'), ...sourceFiles('bench')];

describe('docs/ARCHITECTURE.md layers', () => {
  it('names every room of src/ (and bench) once in its diagram, and only those', () => {
    const named = diagramLines().flat();
    const rooms = [...readdirSync(join(ROOT, 'src')).filter((name) => statSync(join(ROOT, 'src', name)).isDirectory()), 'bench'];
    expect([...named].sort()).toEqual([...rooms].sort());
    expect([...ALL_ROOMS].sort()).toEqual([...rooms].sort());
    expect(Object.keys(MAY_IMPORT).sort()).toEqual([...rooms].sort());
  });

  it('has every room import only rooms on lower lines of the diagram', () => {
    const line = new Map(diagramLines().flatMap((names, index) => names.map((name) => [name, index] as const)));
    const upward: string[] = [];
    for (const file of files) {
      const from = roomOf(file)!;
      for (const { target, isPackage } of imports(file)) {
        const to = roomOf(target);
        if (isPackage || to === undefined || to === from) continue;
        if (to === 'test' || !((line.get(to) ?? -1) > (line.get(from) ?? Infinity))) upward.push(`${file} imports ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has every file import only what its room may import (rooms, files and packages)', () => {
    const refused: string[] = [];
    for (const file of files) {
      const from = roomOf(file)!;
      const rule = MAY_IMPORT[from]!;
      const inSrc = file.startsWith('src') ? file.slice('src/'.length) : file;
      const rooms = rule.files?.[inSrc] ?? rule.rooms;
      for (const { target, isPackage } of imports(file)) {
        if (isPackage) {
          if (!target.startsWith('node:') && !(rule.packages ?? []).includes(target)) refused.push(`${file} imports the package ${target}`);
          continue;
        }
        const to = roomOf(target);
        if (to === undefined || to === from) continue;
        const targetInSrc = target.slice('src/'.length);
        const allowed = rooms.includes(to) ? (rule.only?.[to] ?? [targetInSrc]).includes(targetInSrc) : rooms.includes(targetInSrc);
        if (!allowed) refused.push(`${file} imports ${target}`);
      }
    }
    expect(refused).toEqual([]);
  });
});
