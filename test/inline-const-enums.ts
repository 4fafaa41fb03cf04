// Vitest plugin: writes each use of a `const enum` member from src/ as its number, as tsc does, so tests run the code the build ships.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vitest/config';

/** ENUM matches `export const enum Name { ... }`. */
const ENUM = /export const enum (\w+) \{([^}]*)\}/g;
/** MEMBER matches one member line with a number literal value (a member written otherwise is left to the enum object). */
const MEMBER = /^\s*(\w+) = (0x[0-9a-fA-F]+|\d+),?\s*(\/\/.*)?$/;

/** ConstEnum is one `export const enum`: the file that declares it (as imports name it) and its members with literal values. */
interface ConstEnum {
  readonly module: string;
  readonly members: ReadonlyMap<string, string>;
}

/** constEnums reads every `export const enum` under `dir` by name; a name declared twice is left out (imports would be ambiguous). */
export function constEnums(dir: string): Map<string, ConstEnum> {
  const enums = new Map<string, ConstEnum>();
  const twice = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    for (const [, name, body] of readFileSync(join(entry.parentPath, entry.name), 'utf8').matchAll(ENUM)) {
      const members = new Map<string, string>();
      for (const line of (body as string).split('\n')) {
        const member = MEMBER.exec(line);
        if (member) members.set(member[1] as string, member[2] as string);
      }
      if (enums.has(name as string)) twice.add(name as string);
      enums.set(name as string, { module: entry.name.replace(/\.ts$/, '.js'), members });
    }
  }
  for (const name of twice) enums.delete(name);
  return enums;
}

/**
 * inlineConstEnums: tsc writes `Code.ADD64_K` as `0x07` at every use (the interpreter's switch relies
 * on literal case labels for V8's jump table, see RATIONALE.md), but Vitest transforms one file at a
 * time and cannot see another file's enum, so each label became a read of the imported object
 * through the module runner's getter: the interpreter ran several times slower under test than as
 * built. In each file that imports such an enum, this writes its members' values as tsc does, before
 * Vitest's own TypeScript transform.
 */
export function inlineConstEnums(srcDir: string): Plugin {
  const rules = [...constEnums(srcDir)].map(([name, { module, members }]) => ({
    imports: new RegExp(`import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*'[^']*/${module.replace('.', '\\.')}'`),
    use: new RegExp(`(?<![\\w$.])${name}\\.(\\w+)`, 'g'),
    name,
    members,
  }));
  return {
    name: 'sluice-inline-const-enums',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('.ts') || id.includes('/node_modules/')) return undefined;
      let inlined = code;
      for (const rule of rules) {
        if (!rule.imports.test(inlined)) continue;
        inlined = inlined.replace(rule.use, (whole, member: string) => {
          const value = rule.members.get(member);
          return value === undefined ? whole : `${value} /* ${rule.name}.${member} */`;
        });
      }
      return inlined === code ? undefined : { code: inlined, map: null };
    },
  };
}
