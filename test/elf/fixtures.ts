// Shared helpers for the ELF tests: fixture bytes and a few ELF field offsets for corrupting copies.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { anchorsDir } from '../../src/util/paths.js';

/** fixture returns the bytes of test/fixtures/elf/<name>.bpf.o. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/elf/${name}.bpf.o`, import.meta.url))));
}

/** ANCHOR_DIR is where the shared performance anchor lives; tests using it skip when it is missing. */
export const ANCHOR_DIR = anchorsDir();
export const anchorAvailable = existsSync(`${ANCHOR_DIR}/csv.bpf.o`) && existsSync(`${ANCHOR_DIR}/csv.bin`);

/** SectionHeader is the raw view of one section header, independent of the loader under test. */
export interface SectionHeader {
  readonly index: number;
  readonly headerAt: number;
  readonly name: string;
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}

/** sectionHeaders decodes section headers directly (so the error tests do not trust the code they test). */
export function sectionHeaders(bytes: Uint8Array): SectionHeader[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  const strOff = Number(view.getBigUint64(shoff + shstrndx * 64 + 24, true));
  const headers: SectionHeader[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * 64;
    const nameAt = strOff + view.getUint32(h, true);
    let name = '';
    for (let p = nameAt; bytes[p] !== 0; p++) name += String.fromCharCode(bytes[p]!);
    headers.push({
      index: i,
      headerAt: h,
      name,
      type: view.getUint32(h + 4, true),
      offset: Number(view.getBigUint64(h + 24, true)),
      size: Number(view.getBigUint64(h + 32, true)),
    });
  }
  return headers;
}

/** section returns the named section header or fails the test. */
export function section(bytes: Uint8Array, name: string): SectionHeader {
  const s = sectionHeaders(bytes).find((h) => h.name === name);
  if (!s) throw new Error(`fixture has no section ${name}`);
  return s;
}

/** patched returns a copy of `bytes` with `edit` applied to a DataView of it. */
export function patched(bytes: Uint8Array, edit: (view: DataView, copy: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), copy);
  return copy;
}
