// Malformed objects: every failure of loadObject must be an ElfError naming the file and the place.
import { describe, expect, it } from 'vitest';
import { loadObject } from '../../src/elf/loader.js';
import { ElfError } from '../../src/elf/errors.js';
import { fixture, patched, section, sectionHeaders } from './fixtures.js';

const FILE = 'bad.bpf.o';
const ELF_HEADER_BYTES = 64;

/** loadError loads `bytes` and returns the ElfError it throws (failing if it throws anything else or nothing). */
function loadError(bytes: Uint8Array): ElfError {
  try {
    loadObject(bytes, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ElfError);
    expect((err as ElfError).message.startsWith(`${FILE}: `)).toBe(true);
    return err as ElfError;
  }
  throw new Error('expected loadObject to fail');
}

/** relocationEntry returns the byte offset of REL entry `i` of section `.rel<name>`. */
function relEntry(bytes: Uint8Array, target: string, i: number): number {
  return section(bytes, `.rel${target}`).offset + i * 16;
}

describe('loadObject on malformed input', () => {
  const legacy = fixture('legacy');

  it('rejects a truncated header, wrong magic, class, endianness, type and machine', () => {
    expect(loadError(legacy.subarray(0, 20)).message).toMatch(/byte offset 0x0: truncated: ELF header/);
    expect(loadError(patched(legacy, (v) => v.setUint8(1, 0x46))).message).toMatch(/byte offset 0x1: not an ELF file/);
    expect(loadError(patched(legacy, (v) => v.setUint8(4, 1))).message).toMatch(/byte offset 0x4: ELF class 1 is not ELF64/);
    expect(loadError(patched(legacy, (v) => v.setUint8(5, 2))).message).toMatch(/byte offset 0x5: .*not little-endian/);
    expect(loadError(patched(legacy, (v) => v.setUint16(0x10, 2, true))).message).toMatch(/not relocatable/);
    expect(loadError(patched(legacy, (v) => v.setUint16(0x12, 62, true))).message).toMatch(/byte offset 0x12: machine 62 is not eBPF \(247\)/);
  });

  it('rejects section headers past the end of the file and a bad section name table index', () => {
    expect(loadError(legacy.subarray(0, legacy.length - 10)).message).toMatch(/truncated: \d+ section headers/);
    expect(loadError(patched(legacy, (v) => v.setUint16(0x3e, 900, true))).message).toMatch(/section name table index 900/);
  });

  it('rejects a section whose contents lie outside the file', () => {
    const xdp = section(legacy, 'xdp');
    const error = loadError(patched(legacy, (v) => v.setBigUint64(xdp.headerAt + 32, 1n << 40n, true)));
    expect(error.message).toMatch(/contents of section 'xdp'/);
  });

  it('rejects a string table offset out of range', () => {
    const xdp = section(legacy, 'xdp');
    expect(loadError(patched(legacy, (v) => v.setUint32(xdp.headerAt, 0xfffff, true))).message).toMatch(
      /name of section #\d+: string offset 1048575 is outside the string table/,
    );
  });

  it('rejects a symbol naming a section that does not exist', () => {
    const symtab = section(legacy, '.symtab');
    const error = loadError(patched(legacy, (v) => v.setUint16(symtab.offset + 24 * 2 + 6, 500, true)));
    expect(error.message).toMatch(/symbol #2 names section #500/);
  });

  it('rejects a relocation naming a symbol that does not exist', () => {
    const error = loadError(patched(legacy, (v) => v.setUint32(relEntry(legacy, 'xdp', 0) + 12, 9999, true)));
    expect(error.message).toMatch(/names symbol #9999/);
  });

  it('rejects relocations out of range, off an instruction start, or on the wrong instruction', () => {
    const at = relEntry(legacy, 'xdp', 0);
    expect(loadError(patched(legacy, (v) => v.setBigUint64(at, 0x10000n, true))).message).toMatch(
      /section 'xdp' byte offset 0x10000: relocation offset is out of range/,
    );
    expect(loadError(patched(legacy, (v) => v.setBigUint64(at, 0x2cn, true))).message).toMatch(/not on the first slot/);
    expect(loadError(patched(legacy, (v) => v.setBigUint64(at, 0n, true))).message).toMatch(
      /section 'xdp' insn #0: relocation on opcode 0xbf, which is neither lddw nor call/,
    );
  });

  it('rejects an unknown relocation type and a call relocation on an lddw', () => {
    const at = relEntry(legacy, 'xdp', 0) + 8;
    expect(loadError(patched(legacy, (v) => v.setUint32(at, 7, true))).message).toMatch(/unknown relocation type 7/);
    expect(loadError(patched(legacy, (v) => v.setUint32(at, 10, true))).message).toMatch(/relocation type 10 on lddw/);
  });

  it('rejects an unsupported map type, naming the map', () => {
    const maps = section(legacy, 'maps');
    const error = loadError(patched(legacy, (v) => v.setUint32(maps.offset, 27, true))); // BPF_MAP_TYPE_RINGBUF
    expect(error.message).toBe(`${FILE}: map 'hits': map type 27 is not supported (Sluice has hash, array, percpu_array, lru_hash)`);
  });

  it('rejects an unsupported BTF-defined map type, naming the map', () => {
    expect(loadError(fixture('ringbuf')).message).toBe(
      `${FILE}: map 'events': map type 27 is not supported (Sluice has hash, array, percpu_array, lru_hash)`,
    );
  });

  it('rejects an invalid instruction, naming the section and function', () => {
    const xdp = section(legacy, 'xdp');
    const error = loadError(patched(legacy, (v) => v.setUint8(xdp.offset + 8, 0xff)));
    expect(error.message).toMatch(/section 'xdp' function 'legacy_count': invalid instruction at insn #1/);
  });

  it('rejects global variables initialised with addresses rather than loading wrong values', () => {
    expect(loadError(fixture('datapointer')).message).toBe(
      `${FILE}: section '.data': global variables initialised with addresses (relocated data) are not supported`,
    );
  });

  it('rejects broken BTF map descriptions', () => {
    const maps = fixture('maps');
    const btf = section(maps, '.BTF');
    expect(loadError(patched(maps, (v) => v.setUint16(btf.offset, 0x1234, true))).message).toMatch(/section '.BTF': bad BTF magic/);
  });

  it('never throws anything but ElfError on truncated or corrupted fixtures (fuzz)', () => {
    let seed = 0x9e3779b9;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    let failures = 0;
    let loads = 0;
    const attempt = (bytes: Uint8Array) => {
      loads++;
      try {
        loadObject(bytes, FILE);
      } catch (err) {
        if (!(err instanceof ElfError)) throw new Error(`not an ElfError: ${String(err)}`, { cause: err });
        failures++;
      }
    };
    for (const name of ['maps', 'globals', 'subprog', 'loop', 'legacy']) {
      const bytes = fixture(name);
      for (let cut = 0; cut < bytes.length; cut += 53) attempt(bytes.subarray(0, cut));
      // Corrupt the places that matter most: header, section headers, symbols, relocations, code, BTF.
      const hot = sectionHeaders(bytes)
        .filter((s) => ['.symtab', '.BTF', 'xdp', '.text', '.relxdp', 'maps', '.maps'].includes(s.name))
        .flatMap((s) => [s.headerAt, s.offset]);
      for (let k = 0; k < 200; k++) {
        const base = k % 3 === 0 ? random(bytes.length) : (hot[random(hot.length)] ?? 0) + random(64);
        attempt(patched(bytes, (_, copy) => {
          for (let j = 0; j < 1 + random(4); j++) copy[Math.min(base + random(16), copy.length - 1)] = random(256);
        }));
      }
      for (let k = 0; k < 40; k++) attempt(patched(bytes, (_, copy) => void (copy[random(ELF_HEADER_BYTES)] = random(256))));
    }
    expect(loads).toBeGreaterThan(1000);
    expect(failures).toBeGreaterThan(loads / 4);
  });
});
