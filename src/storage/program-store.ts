// A directory of records this user's Sluice processes share (verified programs' facts, their JIT code), each signed with a per-user secret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * RecordKind names what a record holds (a verifier's facts, JIT code, a query's emitted program, or
 * V8's code cache of the bundled CLI); it is signed with the record, so one kind cannot pass for another.
 */
export type RecordKind = 'verdict' | 'jit' | 'program' | 'v8';

/** MAX_RECORDS is how many records one build's folder keeps; the least recently written go first. */
export const MAX_RECORDS = 256;

const SECRET_BYTES = 32;
const MAC_BYTES = 32;
/** BUILD_NAME matches the folder names builds use (hex digests). */
const BUILD_NAME = /^[0-9a-f]{16,64}$/;

/** defaultStoreDir is `$XDG_CACHE_HOME/sluice`, else `~/.cache/sluice`. */
export function defaultStoreDir(): string {
  const base = process.env.XDG_CACHE_HOME;
  return join(base !== undefined && base !== '' ? base : join(homedir(), '.cache'), 'sluice');
}

/** StorePlace names a store as plain data (its directory and the build), so a worker thread can open the same store. */
export interface StorePlace {
  readonly dir: string;
  readonly build: string;
}

/**
 * ProgramStore keeps records under `dir/<build>/`, where `build` names the Sluice build that wrote
 * them (a hash of its code: another build, with perhaps another verifier or JIT, never reads them).
 * Each record is HMAC-SHA256(secret, build, kind, key, payload) followed by the payload; the secret
 * is 32 random bytes in `dir/secret`, readable by this user only. A record whose MAC does not match
 * (tampered with, truncated, moved to another key, written with another secret) is ignored, so a
 * verdict is trusted only if this user's Sluice wrote it. The store is only a cache: any failure to
 * read or write it means "not cached", never an error.
 */
export class ProgramStore {
  private constructor(
    private readonly folder: string,
    private readonly build: string,
    private readonly secret: Buffer,
  ) {}

  /**
   * open returns the store in `dir` for `build`, creating the folder (mode 0700) and the secret (0600)
   * if needed, or undefined when it cannot be used safely: a folder or secret file that another user
   * owns, that others may write (the secret could be swapped) or read (records could be forged), or
   * that cannot be created.
   */
  static open(dir: string, build: string): ProgramStore | undefined {
    if (!BUILD_NAME.test(build)) return undefined;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!ownedPrivately(dir, true)) return undefined;
      const secret = readSecret(join(dir, 'secret'));
      if (!secret) return undefined;
      const folder = join(dir, build);
      if (!existsSync(folder)) {
        // A new build: the records of other builds can never be read again.
        for (const name of readdirSync(dir)) if (BUILD_NAME.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
        mkdirSync(folder, { recursive: true, mode: 0o700 });
      }
      return ownedPrivately(folder, true) ? new ProgramStore(folder, build, secret) : undefined;
    } catch {
      return undefined;
    }
  }

  /** get returns the payload of the record (kind, key) when it exists and its signature holds, else undefined. */
  get(kind: RecordKind, key: string): Uint8Array | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path(kind, key));
    } catch {
      return undefined;
    }
    if (bytes.length < MAC_BYTES) return undefined;
    const payload = new Uint8Array(bytes.buffer, bytes.byteOffset + MAC_BYTES, bytes.length - MAC_BYTES);
    return timingSafeEqual(bytes.subarray(0, MAC_BYTES), this.mac(kind, key, payload)) ? payload : undefined;
  }

  /** put writes the record (kind, key) atomically (a reader sees the old record or the new one), best effort. */
  put(kind: RecordKind, key: string, payload: Uint8Array): void {
    const path = this.path(kind, key);
    // Unique per writer, not just per process: a cluster's worker threads share the pid and may put the same record at once.
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, this.mac(kind, key, payload));
        writeSync(fd, payload);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
      this.prune();
    } catch {
      rmSync(temporary, { force: true });
    }
  }

  private path(kind: RecordKind, key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`program store keys are SHA-256 hex digests, got '${key}'`);
    return join(this.folder, `${kind}-${key}`);
  }

  private mac(kind: RecordKind, key: string, payload: Uint8Array): Buffer {
    return createHmac('sha256', this.secret).update(`sluice ${this.build}\0${kind}\0${key}\0`).update(payload).digest();
  }

  /** prune removes the oldest records past MAX_RECORDS. */
  private prune(): void {
    const names = readdirSync(this.folder);
    if (names.length <= MAX_RECORDS) return;
    const dated = names.map((name) => ({ name, at: statSync(join(this.folder, name)).mtimeMs })).sort((a, b) => a.at - b.at);
    for (const { name } of dated.slice(0, names.length - MAX_RECORDS)) rmSync(join(this.folder, name), { force: true });
  }
}

/** ownedPrivately checks that `path` is this user's (not a symlink) and that nobody else may write it, nor read it unless it is a folder. */
function ownedPrivately(path: string, folder: boolean): boolean {
  const stat = lstatSync(path);
  if (folder ? !stat.isDirectory() : !stat.isFile()) return false;
  if (process.getuid && stat.uid !== process.getuid()) return false;
  return (stat.mode & (folder ? 0o022 : 0o077)) === 0;
}

/** readSecret reads the store's secret, creating it (exclusively, mode 0600) when there is none. */
function readSecret(path: string): Buffer | undefined {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeFileSync(fd, randomBytes(SECRET_BYTES));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  if (!ownedPrivately(path, false)) return undefined;
  const secret = readFileSync(path);
  return secret.length === SECRET_BYTES ? secret : undefined;
}
