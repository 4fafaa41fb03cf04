// Runs one campaign case through Sluice in process: plan and compile, verify, scan on the hook's tenant, and ship-all.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBaselineConsumer } from '../baseline/scan.js';
import { directoryCatalog } from '../datasets/catalog.js';
import { planAndCompile, mapReader } from '../engine/execute.js';
import { QueryError } from '../sql/errors.js';
import type { ResultTable } from '../sql/result.js';
import type { SqlType } from '../values/types.js';
import { HookFlag } from '../storage/hook-context.js';
import { Tenant } from '../storage/tenant.js';
import { verifyForHook } from '../storage/verify-hook.js';
import { SluiceError } from '../util/errors.js';
import { engineByName } from '../vm/engines.js';
import { querySql, schemaText, TABLE, type Case } from './case.js';
import { decimalText, stringCell, type Cell } from './reference.js';

/** ErrorShape is what the campaign checks of an error: its class, location and whether it is a clean user-facing error. */
export interface ErrorShape {
  readonly name: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  /** Why the error is not acceptable to show a user (internal error, stack trace, not a SluiceError), if it is not. */
  readonly unclean?: string;
}

/** Outcome is one path's answer (canonical cells) or its error. */
export type Outcome = { readonly ok: true; readonly rows: Cell[][]; readonly skipped: number } | { readonly ok: false; readonly error: ErrorShape };

/** SluiceRun is what Sluice did with a case: the pushdown answer on the case's engine, and the ship-all answer. */
export interface SluiceRun {
  readonly sql: string;
  readonly pushdown: Outcome;
  readonly shipAll: Outcome;
}

/**
 * runSluice writes the case's table and schema under `dir` and answers its query both ways. With
 * `verify` the program is proven safe first, as the storage node does, and the engine gets the proof's
 * facts; without it (verification costs ten times the rest of a case) the engine checks every access.
 */
export function runSluice(c: Case, dir: string, verify = true): SluiceRun {
  const sql = querySql(c.query);
  const tableDir = join(dir, c.format);
  mkdirSync(tableDir, { recursive: true });
  writeFileSync(join(tableDir, `${TABLE}.${c.format}`), c.data);
  writeFileSync(join(tableDir, `${TABLE}.schema`), schemaText(c.columns));
  const chunks = chunksOf(c);
  const maxChunk = Math.max(1, ...chunks.map((chunk) => chunk.length));
  let compiled: ReturnType<typeof planAndCompile>;
  try {
    compiled = planAndCompile(sql, 'query.sql', directoryCatalog(tableDir), maxChunk, c.onError);
  } catch (error) {
    const outcome = failure(error);
    return { sql, pushdown: outcome, shipAll: outcome };
  }
  const { plan } = compiled;
  const shipAll = attempt(() => {
    const consumer = createBaselineConsumer(plan);
    for (const chunk of chunks) consumer.write(chunk);
    return consumer.end();
  });
  const pushdown = attempt(() => {
    const facts = verify ? verifyOwnProgram(() => verifyForHook(compiled.compiled.spec)) : undefined;
    const engine = engineByName(c.engine);
    if (engine === undefined) throw new Error(`no engine ${c.engine}`);
    const tenant = new Tenant(compiled.compiled.spec, { name: 'campaign', engine, ...(facts === undefined ? {} : { facts }) });
    let offset = 0;
    chunks.forEach((bytes, index) => {
      const flags = (index === 0 ? HookFlag.FIRST : 0) | (offset + bytes.length === c.data.length ? HookFlag.LAST : 0);
      tenant.run({ source: bytes, start: 0, length: bytes.length, flags, index, fileOffset: offset, fileSize: c.data.length });
      offset += bytes.length;
    });
    tenant.run({ source: new Uint8Array(0), start: 0, length: 0, flags: HookFlag.EOF_FLUSH | (chunks.length === 0 ? HookFlag.FIRST : 0), index: chunks.length, fileOffset: offset, fileSize: c.data.length });
    const maps = tenant.runtime.maps.filter((map) => !map.spec.readOnly).map((map) => ({ name: map.name, keySize: map.spec.keySize, valueSize: map.spec.valueSize, entries: map.entries() }));
    return compiled.compiled.decode(mapReader(maps));
  });
  return { sql, pushdown, shipAll };
}

/** OwnProgramRefused marks Sluice's verifier refusing a program Sluice's own compiler emitted: a bug, never a user error. */
class OwnProgramRefused extends Error {
  override name = 'OwnProgramRefused';
}

function verifyOwnProgram<T>(verify: () => T): T {
  try {
    return verify();
  } catch (error) {
    throw new OwnProgramRefused(`Sluice's verifier refused the program Sluice compiled: ${(error as Error).message}`, { cause: error });
  }
}

/** chunksOf cuts the file at the case's cut points. */
export function chunksOf(c: Case): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...c.cuts, c.data.length]) {
    if (cut > from) chunks.push(c.data.subarray(from, cut));
    from = cut;
  }
  return chunks;
}

function attempt(run: () => ResultTable): Outcome {
  try {
    const result = run();
    return { ok: true, rows: result.rows.map((row) => row.map((value, i) => cell(value, (result.columns[i] as { type: SqlType }).type))), skipped: result.skippedRows };
  } catch (error) {
    return failure(error);
  }
}

function cell(value: bigint | string | null, type: SqlType): Cell {
  if (value === null) return 'null';
  // Sluice keeps a string value as its bytes, one latin1 character per byte (README: "Text is bytes").
  if (typeof value === 'string') return stringCell(Buffer.from(value, 'latin1'));
  if (type.kind === 'date') return `d:${value}`;
  return `n:${decimalText(value, type.kind === 'decimal' ? type.scale : 0)}`;
}

/** failure describes an error and judges whether a user could be shown it as it is. */
export function failure(error: unknown): Outcome {
  if (!(error instanceof Error)) return { ok: false, error: { name: typeof error, message: String(error), unclean: 'not an Error' } };
  const shape = { name: error.name, message: error.message };
  const located = error instanceof QueryError ? { line: error.line, column: error.column } : {};
  let unclean: string | undefined;
  if (!(error instanceof SluiceError)) unclean = `${error.name} is not a SluiceError`;
  else if (/internal error/i.test(error.message)) unclean = 'says internal error';
  else if (/\n\s+at /.test(error.message)) unclean = 'carries a stack trace';
  else if (error instanceof QueryError && (!(error.line >= 1) || !(error.column >= 1))) unclean = 'has no line and column';
  else if (error.name === 'TenantAborted') unclean = 'the tenant was aborted';
  return { ok: false, error: { ...shape, ...located, ...(unclean === undefined ? {} : { unclean }) } };
}
