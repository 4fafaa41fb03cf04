// BtfBuilder: writes the few BTF type kinds Sluice emits (map definitions in objects, func_info for the kernel).
import { BtfKind } from './btf.js';

const BTF_MAGIC = 0xeb9f;
const BTF_VERSION = 1;
const HEADER_BYTES = 24;
const INT_SIGNED = 1 << 24;

/** Linkage of a FUNC or VAR (Linux's BTF_FUNC_* / BTF_VAR_* values; 1 is global for both). */
export const Linkage = { STATIC: 0, GLOBAL: 1 } as const;

/** BtfBuilder appends types (ids from 1, in call order) and strings, then encodes the blob with `bytes()`. */
export class BtfBuilder {
  private readonly words: number[] = [];
  private count = 0;
  private strings = '\0';
  private readonly stringIndex = new Map<string, number>([['', 0]]);

  /** int adds a signed integer type of `size` bytes. */
  int(name: string, size: number): number {
    return this.type(name, BtfKind.INT, 0, size, [INT_SIGNED | (size * 8)]);
  }

  /** pointer adds a pointer to `target`. */
  pointer(target: number): number {
    return this.type('', BtfKind.PTR, 0, target);
  }

  /** array adds `elem[nelems]` indexed by `index`. */
  array(elem: number, index: number, nelems: number): number {
    return this.type('', BtfKind.ARRAY, 0, 0, [elem, index, nelems]);
  }

  /** struct adds a struct of `size` bytes; member offsets are in bits. */
  struct(name: string, size: number, members: readonly { name: string; type: number; bitOffset: number }[]): number {
    return this.type(name, BtfKind.STRUCT, members.length, size, members.flatMap((m) => [this.string(m.name), m.type, m.bitOffset]));
  }

  /** variable adds a global variable of type `type`. */
  variable(name: string, type: number, linkage: number = Linkage.GLOBAL): number {
    return this.type(name, BtfKind.VAR, 0, type, [linkage]);
  }

  /** datasec adds a data section listing variables by byte offset and size. */
  datasec(name: string, size: number, vars: readonly { type: number; offset: number; size: number }[]): number {
    return this.type(name, BtfKind.DATASEC, vars.length, size, vars.flatMap((v) => [v.type, v.offset, v.size]));
  }

  /** funcProto adds a function prototype returning `ret` with no parameters. */
  funcProto(ret: number): number {
    return this.type('', BtfKind.FUNC_PROTO, 0, ret);
  }

  /** func adds a function of prototype `proto`. */
  func(name: string, proto: number, linkage: number): number {
    return this.type(name, BtfKind.FUNC, linkage, proto);
  }

  /** bytes encodes header, type section and string section. */
  bytes(): Uint8Array {
    const strings = Uint8Array.from(this.strings, (c) => c.charCodeAt(0) & 0xff);
    const typeBytes = this.words.length * 4;
    const out = new Uint8Array(HEADER_BYTES + typeBytes + strings.length);
    const view = new DataView(out.buffer);
    view.setUint16(0, BTF_MAGIC, true);
    view.setUint8(2, BTF_VERSION);
    view.setUint32(4, HEADER_BYTES, true);
    view.setUint32(8, 0, true);
    view.setUint32(12, typeBytes, true);
    view.setUint32(16, typeBytes, true);
    view.setUint32(20, strings.length, true);
    this.words.forEach((w, i) => view.setUint32(HEADER_BYTES + i * 4, w >>> 0, true));
    out.set(strings, HEADER_BYTES + typeBytes);
    return out;
  }

  private type(name: string, kind: number, vlen: number, sizeOrType: number, extra: readonly number[] = []): number {
    this.words.push(this.string(name), ((kind << 24) | vlen) >>> 0, sizeOrType, ...extra);
    return ++this.count;
  }

  /** string adds `s` to the string section (once) and returns its offset, e.g. for .BTF.ext section names. */
  string(s: string): number {
    let at = this.stringIndex.get(s);
    if (at === undefined) {
      at = this.strings.length;
      this.strings += `${s}\0`;
      this.stringIndex.set(s, at);
    }
    return at;
  }
}

/** btfIdentifier turns a program name into a valid C identifier, as BTF requires for FUNC names. */
export function btfIdentifier(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(clean) ? clean : `f_${clean}`;
}
