// A small reader for the .BTF section: just enough type information to describe BTF-defined maps.
import { SluiceError } from '../util/errors.js';

/** BtfKind names the BTF type kinds (Linux's BTF_KIND_*). */
export const BtfKind = {
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

/** BtfMember is a struct member or a DATASEC entry (`offset` in bits for members, bytes for DATASEC). */
export interface BtfMember {
  readonly name: string;
  readonly type: number;
  readonly offset: number;
}

/**
 * BtfType is one decoded type. `sizeOrType` is the size for sized kinds and the referenced type
 * id for PTR, TYPEDEF, modifiers, VAR and FUNC. Arrays carry `elemType` and `nelems`.
 */
export interface BtfType {
  readonly id: number;
  readonly kind: number;
  readonly name: string;
  readonly sizeOrType: number;
  readonly members: readonly BtfMember[];
  readonly elemType?: number;
  readonly nelems?: number;
}

/** BtfFormatError says what is wrong with a BTF blob; the ELF loader wraps it in an ElfError naming the file. */
export class BtfFormatError extends SluiceError {
  override name = 'BtfFormatError';
}

const BTF_MAGIC = 0xeb9f;
const TYPE_HEADER_BYTES = 12;
const MAX_CHAIN = 64;

/** Btf is a parsed type section; type ids start at 1 (0 is void). */
export class Btf {
  private constructor(private readonly types: readonly BtfType[]) {}

  /** parse decodes a .BTF section; throws BtfFormatError when it is truncated or malformed. */
  static parse(bytes: Uint8Array): Btf {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const need = (at: number, n: number, what: string) => {
      if (at < 0 || at + n > bytes.length) throw new BtfFormatError(`truncated ${what} at byte ${at}`);
    };
    need(0, 24, 'header');
    if (view.getUint16(0, true) !== BTF_MAGIC) throw new BtfFormatError('bad BTF magic number');
    const headerLen = view.getUint32(4, true);
    const typeStart = headerLen + view.getUint32(8, true);
    const typeEnd = typeStart + view.getUint32(12, true);
    const strStart = headerLen + view.getUint32(16, true);
    const strLen = view.getUint32(20, true);
    need(typeStart, typeEnd - typeStart, 'type section');
    need(strStart, strLen, 'string section');
    const name = (off: number): string => {
      if (off >= strLen) throw new BtfFormatError(`string offset ${off} is outside the string section`);
      const end = bytes.indexOf(0, strStart + off);
      if (end < 0 || end >= strStart + strLen) throw new BtfFormatError(`string at offset ${off} is not terminated`);
      let s = '';
      for (let i = strStart + off; i < end; i++) s += String.fromCharCode(bytes[i]!);
      return s;
    };
    const types: BtfType[] = [];
    let at = typeStart;
    while (at < typeEnd) {
      need(at, TYPE_HEADER_BYTES, 'type');
      const info = view.getUint32(at + 4, true);
      const kind = (info >>> 24) & 0x1f;
      const vlen = info & 0xffff;
      const base = { id: types.length + 1, kind, name: name(view.getUint32(at, true)), sizeOrType: view.getUint32(at + 8, true) };
      at += TYPE_HEADER_BYTES;
      const extra = extraBytes(kind, vlen);
      if (extra === undefined) throw new BtfFormatError(`type #${base.id} has unknown kind ${kind}`);
      need(at, extra, `data of type #${base.id}`);
      let type: BtfType = { ...base, members: [] };
      if (kind === BtfKind.ARRAY) {
        type = { ...type, elemType: view.getUint32(at, true), nelems: view.getUint32(at + 8, true) };
      } else if (kind === BtfKind.STRUCT || kind === BtfKind.UNION || kind === BtfKind.DATASEC) {
        const members: BtfMember[] = [];
        for (let i = 0; i < vlen; i++) {
          const m = at + i * 12;
          members.push(
            kind === BtfKind.DATASEC
              ? { name: '', type: view.getUint32(m, true), offset: view.getUint32(m + 4, true) }
              : { name: name(view.getUint32(m, true)), type: view.getUint32(m + 4, true), offset: view.getUint32(m + 8, true) },
          );
        }
        type = { ...type, members };
      }
      types.push(type);
      at += extra;
    }
    return new Btf(types);
  }

  /** get returns type `id`; throws BtfFormatError for void (0) or an id out of range. */
  get(id: number): BtfType {
    const type = this.types[id - 1];
    if (!type) throw new BtfFormatError(`type id ${id} does not exist`);
    return type;
  }

  /** find returns the first type of `kind` named `name`, if any. */
  find(kind: number, name: string): BtfType | undefined {
    return this.types.find((t) => t.kind === kind && t.name === name);
  }

  /** skipModifiers follows typedef, volatile, const, restrict and type tags to the underlying type. */
  skipModifiers(id: number): BtfType {
    let type = this.get(id);
    for (let hops = 0; isModifier(type.kind); hops++) {
      if (hops > MAX_CHAIN) throw new BtfFormatError(`type #${id} is a modifier chain that does not end`);
      type = this.get(type.sizeOrType);
    }
    return type;
  }

  /** sizeOf returns the byte size of a type, as the C compiler laid it out. */
  sizeOf(id: number, depth = 0): number {
    if (depth > MAX_CHAIN) throw new BtfFormatError(`type #${id} nests too deeply to size`);
    const type = this.skipModifiers(id);
    switch (type.kind) {
      case BtfKind.PTR:
        return 8;
      case BtfKind.ARRAY:
        return (type.nelems ?? 0) * this.sizeOf(type.elemType ?? 0, depth + 1);
      case BtfKind.INT:
      case BtfKind.STRUCT:
      case BtfKind.UNION:
      case BtfKind.ENUM:
      case BtfKind.ENUM64:
      case BtfKind.FLOAT:
      case BtfKind.DATASEC:
        return type.sizeOrType;
      default:
        throw new BtfFormatError(`type #${type.id} (kind ${type.kind}) has no size`);
    }
  }
}

function isModifier(kind: number): boolean {
  return (
    kind === BtfKind.TYPEDEF ||
    kind === BtfKind.VOLATILE ||
    kind === BtfKind.CONST ||
    kind === BtfKind.RESTRICT ||
    kind === BtfKind.TYPE_TAG
  );
}

/** extraBytes returns how many bytes follow the 12-byte header of a type of this kind. */
function extraBytes(kind: number, vlen: number): number | undefined {
  switch (kind) {
    case BtfKind.INT:
    case BtfKind.VAR:
    case BtfKind.DECL_TAG:
      return 4;
    case BtfKind.ARRAY:
      return 12;
    case BtfKind.STRUCT:
    case BtfKind.UNION:
    case BtfKind.DATASEC:
    case BtfKind.ENUM64:
      return 12 * vlen;
    case BtfKind.ENUM:
    case BtfKind.FUNC_PROTO:
      return 8 * vlen;
    case BtfKind.PTR:
    case BtfKind.FWD:
    case BtfKind.TYPEDEF:
    case BtfKind.VOLATILE:
    case BtfKind.CONST:
    case BtfKind.RESTRICT:
    case BtfKind.FUNC:
    case BtfKind.FLOAT:
    case BtfKind.TYPE_TAG:
      return 0;
    default:
      return undefined;
  }
}
