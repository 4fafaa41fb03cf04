// Spawns the built `sluice` command (package.json's bin, the bundle in dist/bin/) the way a user's shell would, for the CLI acceptance tests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.js';

/** PROJECT_ROOT is the folder holding package.json; commands run there, as README's examples do. */
export const PROJECT_ROOT = projectRoot();
/** CLI is the file package.json's `bin` names: what `npx sluice` and an installed `sluice` run. */
export const CLI = join(PROJECT_ROOT, (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { bin: { sluice: string } }).bin.sluice);

/**
 * CACHE_HOME is the XDG_CACHE_HOME the commands run with: a store of verified programs of this test
 * process's own (so the tests neither read nor fill the user's), removed when the process ends.
 */
export const CACHE_HOME = mkdtempSync(join(tmpdir(), 'sluice-cli-cache-'));
process.on('exit', () => rmSync(CACHE_HOME, { recursive: true, force: true }));

/** CliRun is what one invocation printed and how it ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * ensureBuilt builds dist once when the CLI is missing (`npm ci` normally builds it through `prepare`).
 * tsc still writes JavaScript when some file has type errors; those are the typecheck's business, so
 * they are printed and only a missing CLI fails the tests.
 */
export function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (build.status !== 0) console.warn(`npm run build reported errors:\n${build.stdout}${build.stderr}`);
  if (!existsSync(CLI)) throw new Error(`building dist did not produce ${CLI}`);
}

/** sluice runs `node <CLI> ...args` in the project root, with `input` on stdin, piped (not a terminal). */
export function sluice(args: readonly string[], input = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: CACHE_HOME } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** examplesIn returns the example command lines of a help text (the lines under "Examples:" that start with `sluice`). */
export function examplesIn(help: string): string[] {
  const at = help.search(/^Examples?( \(.*\))?:$/m);
  if (at < 0) return [];
  return help
    .slice(at)
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('sluice ') || line.startsWith('echo '));
}
