// The messages that cross the link in a pushdown: the program (bytecode + map specs) and the result (map contents).
import { decode, encode, InstructionError } from '../asm/instruction.js';
import { MapType, mapTypeName, type MapSpec, type ProgramSpec } from '../asm/program.js';
import { StorageError } from './errors.js';

const PROGRAM_MAGIC = 0x47504c53; // "SLPG" little-endian
const RESULT_MAGIC = 0x53524c53; // "SLRS" little-endian

/** ProgramRequest is what the compute node asks the storage node to run: a program over a file. */
export interface ProgramRequest {
  readonly file: string;
  readonly spec: ProgramSpec;
}

/** MapContents is one map's entries as bytes, for the caller to decode. */
export interface MapContents {
  readonly name: string;
  readonly keySize: number;
  readonly valueSize: number;
  /** [key, value] pairs in the map's deterministic order. */
  readonly entries: readonly (readonly [Uint8Array, Uint8Array])[];
}

/**
 * encodeProgramRequest writes a request as bytes (little-endian): magic "SLPG", the file path, the
 * program's name, section and license, each map spec (name, type, key/value size, max entries,
 * flags, read-only bit, initial value), then the instructions as 8-byte slots. Slot comments stay
 * home: they do not cross the link.
 */
export function encodeProgramRequest(request: ProgramRequest): Uint8Array {
  const w = new ByteWriter();
  const { spec } = request;
  w.u32(PROGRAM_MAGIC);
  w.text(request.file);
  w.text(spec.name);
  w.text(spec.section);
  w.text(spec.license);
  w.u32(spec.maps.length);
  for (const map of spec.maps) {
    w.text(map.name);
    w.u32(MapType[map.type]);
    w.u32(map.keySize);
    w.u32(map.valueSize);
    w.u32(map.maxEntries);
    w.u32(map.flags);
    w.u32(map.readOnly ? 1 : 0);
    w.blob(map.initialValue);
  }
  w.blob(encode(spec.insns));
  return w.finish();
}

/** decodeProgramRequest reads what encodeProgramRequest wrote; a malformed message throws StorageError. */
export function decodeProgramRequest(bytes: Uint8Array): ProgramRequest {
  const r = new ByteReader(bytes, 'program message');
  if (r.u32() !== PROGRAM_MAGIC) throw new StorageError('program message: bad magic number');
  const file = r.text();
  const name = r.text();
  const section = r.text();
  const license = r.text();
  const maps: MapSpec[] = [];
  for (let i = r.u32(); i > 0; i--) {
    const mapName = r.text();
    const typeId = r.u32();
    const type = mapTypeName(typeId);
    if (!type) throw new StorageError(`program message: map "${mapName}" has unknown type ${typeId}`);
    const [keySize, valueSize, maxEntries, flags, readOnly] = [r.u32(), r.u32(), r.u32(), r.u32(), r.u32()];
    const initialValue = r.blob();
    maps.push({
      name: mapName,
      type,
      keySize,
      valueSize,
      maxEntries,
      flags,
      ...(readOnly ? { readOnly: true } : {}),
      ...(initialValue ? { initialValue } : {}),
    });
  }
  const code = r.blob() ?? new Uint8Array(0);
  r.end();
  try {
    return { file, spec: { name, section, license, maps, insns: decode(code) } };
  } catch (error) {
    if (error instanceof InstructionError) throw new StorageError(`program message: ${error.message}`, { cause: error });
    throw error;
  }
}

/** encodeResult writes map contents as bytes: magic "SLRS", then per map its name, sizes, entry count and key||value pairs. */
export function encodeResult(maps: readonly MapContents[]): Uint8Array {
  const w = new ByteWriter();
  w.u32(RESULT_MAGIC);
  w.u32(maps.length);
  for (const map of maps) {
    w.text(map.name);
    w.u32(map.keySize);
    w.u32(map.valueSize);
    w.u32(map.entries.length);
    for (const [key, value] of map.entries) {
      w.bytes(key);
      w.bytes(value);
    }
  }
  return w.finish();
}

/** decodeResult reads what encodeResult wrote. */
export function decodeResult(bytes: Uint8Array): MapContents[] {
  const r = new ByteReader(bytes, 'result message');
  if (r.u32() !== RESULT_MAGIC) throw new StorageError('result message: bad magic number');
  const maps: MapContents[] = [];
  for (let i = r.u32(); i > 0; i--) {
    const name = r.text();
    const [keySize, valueSize, count] = [r.u32(), r.u32(), r.u32()];
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let e = 0; e < count; e++) entries.push([r.bytes(keySize), r.bytes(valueSize)]);
    maps.push({ name, keySize, valueSize, entries });
  }
  r.end();
  return maps;
}

/** ByteWriter appends little-endian fields to a growing buffer. */
class ByteWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** text writes a u32 byte length and UTF-8 bytes. */
  text(value: string): void {
    const data = new TextEncoder().encode(value);
    this.u32(data.length);
    this.bytes(data);
  }

  /** blob writes a u32 length + 1 (0 for absent) and the bytes. */
  blob(data: Uint8Array | undefined): void {
    this.u32(data ? data.length + 1 : 0);
    if (data) this.bytes(data);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** ByteReader reads what ByteWriter wrote and refuses truncated or oversized messages. */
class ByteReader {
  private at = 0;
  private readonly view: DataView;

  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }

  bytes(length: number): Uint8Array {
    this.need(length);
    const out = this.data.slice(this.at, this.at + length);
    this.at += length;
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.bytes(this.u32()));
  }

  blob(): Uint8Array | undefined {
    const length = this.u32();
    return length === 0 ? undefined : this.bytes(length - 1);
  }

  end(): void {
    if (this.at !== this.data.length) throw new StorageError(`${this.what}: ${this.data.length - this.at} unexpected bytes at the end`);
  }

  private need(length: number): void {
    if (this.at + length > this.data.length) throw new StorageError(`${this.what}: truncated at byte ${this.at}`);
  }
}
