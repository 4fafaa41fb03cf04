// Objects written by writeObject must open and load with the system's libbpf, the loader most C tooling uses.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadObject } from '../../src/elf/loader.js';
import { writeObject } from '../../src/elf/writer.js';
import { kernelAvailability } from '../../src/kernel/bpf.js';
import { fixture } from '../elf/fixtures.js';

interface Libbpf {
  open(bytes: Uint8Array, size: number, opts: null): unknown;
  error(object: unknown): number;
  load(object: unknown): number;
  close(object: unknown): void;
}

/** bindLibbpf binds the four libbpf calls the test needs, or says why it cannot. */
function bindLibbpf(): Libbpf | string {
  try {
    const koffi = createRequire(import.meta.url)('koffi');
    const lib = koffi.load('libbpf.so.1');
    return {
      open: lib.func('void *bpf_object__open_mem(const void *buf, size_t sz, const void *opts)'),
      error: lib.func('long libbpf_get_error(const void *ptr)'),
      load: lib.func('int bpf_object__load(void *obj)'),
      close: lib.func('void bpf_object__close(void *obj)'),
    };
  } catch (err) {
    return `libbpf.so.1 cannot be loaded: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const availability = kernelAvailability();
const libbpf = availability.ok ? bindLibbpf() : availability.reason;
if (typeof libbpf === 'string') console.warn(`skipping libbpf tests: ${libbpf}`);

describe.skipIf(typeof libbpf === 'string')('libbpf on written objects', () => {
  // loop.bpf.o's bpf_loop callback loads only with the .BTF.ext func_info writeObject emits.
  for (const name of ['maps', 'legacy', 'globals', 'subprog', 'loop']) {
    it(`opens and loads ${name} after loadObject -> writeObject`, () => {
      const lib = libbpf as Libbpf;
      const bytes = writeObject(loadObject(fixture(name)).programs[0]!);
      const object = lib.open(bytes, bytes.length, null);
      expect(lib.error(object)).toBe(0);
      try {
        expect(lib.load(object)).toBe(0);
      } finally {
        lib.close(object);
      }
    });
  }
});
