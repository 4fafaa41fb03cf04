// The messages that cross the link in a pushdown: the program (bytecode + map specs) and the result (map contents).
import { decodeReadOnly, encode, InstructionError } from '../asm/instruction.js';
import { MapType, mapTypeName, type MapSpec, type ProgramSpec } from '../asm/program.js';
import { StorageError } from './errors.js';

const PROGRAM_MAGIC = 0x47504c53; // "SLPG" little-endian
const RESULT_MAGIC = 0x53524c53; // "SLRS" little-endian
/** RANGE_BYTES is the size of a range request's fields at the end of a program message (three u64 and a u32). */
const RANGE_BYTES = 28;

/** ProgramRequest is what the compute node asks the storage node to run: a program over a file (or one node's share of it). */
export interface ProgramRequest {
  readonly file: string;
  readonly spec: ProgramSpec;
  readonly range?: RangeRequest;
}

/**
 * RangeRequest asks a cluster node for the rows that start in [splitStart, splitEnd) of the file
 * (see src/storage/range-run.ts). `start`, when present, is a row start the compute node already
 * knows to be the first one at or after splitStart.
 */
export interface RangeRequest {
  readonly splitStart: number;
  readonly splitEnd: number;
  readonly start?: number;
  readonly delimiter: number;
  readonly quotes: boolean;
  readonly header: boolean;
}

/** MapContents is one map's entries as bytes, for the caller to decode. */
export interface MapContents {
  readonly name: string;
  readonly keySize: number;
  readonly valueSize: number;
  /** [key, value] pairs in the map's deterministic order (none for a map returned as a block). */
  readonly entries: readonly (readonly [Uint8Array, Uint8Array])[];
  /**
   * For an array map that returns a block (MapSpec.returnsBlock): the values of entries 0, 1, 2, ...
   * (the result message leaves out the zero entries after the last non-zero one).
   */
  readonly block?: Uint8Array;
}

/** BLOCK_MARK in a result map's entry count says the map is a block of values (see encodeResult). */
const BLOCK_MARK = 0xffffffff;
/** DENSE in a block's stored-entry count says every value of the block follows. */
const DENSE = 0xffffffff;

/**
 * encodeProgramRequest writes a request as bytes (little-endian): magic "SLPG", the file path, the
 * program's name, section and license, each map spec (name, type, key/value size, max entries,
 * flags, read-only bit, initial value), then the instructions as 8-byte slots, and for a cluster
 * node the range (split start, split end, known start + 1 or 0, and delimiter | quotes 0x100 |
 * header 0x200). Slot comments stay home: they do not cross the link.
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
    w.u32((map.readOnly ? 1 : 0) | (map.returnsBlock ? 2 : 0));
    w.blob(map.initialValue);
    w.blob(map.contents?.keys);
    w.blob(map.contents?.values);
  }
  w.blob(encode(spec.insns));
  const message = w.finish();
  return request.range ? withRange(message, request.range) : message;
}

/**
 * withRange is a program message without a range (encodeProgramRequest) with a cluster node's range
 * appended, as encodeProgramRequest writes it: a cluster query encodes its program once and asks
 * each node for its range with the same bytes.
 */
export function withRange(message: Uint8Array, range: RangeRequest): Uint8Array {
  const w = new ByteWriter(message.length + RANGE_BYTES);
  w.bytes(message);
  w.u64(range.splitStart);
  w.u64(range.splitEnd);
  w.u64(range.start === undefined ? 0 : range.start + 1);
  w.u32(range.delimiter | (range.quotes ? 0x100 : 0) | (range.header ? 0x200 : 0));
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
    const [keySize, valueSize, maxEntries, flags, bits] = [r.u32(), r.u32(), r.u32(), r.u32(), r.u32()];
    if (bits > 3) throw new StorageError(`program message: map "${mapName}" has unknown bits ${bits}`);
    const initialValue = r.blob();
    const keys = r.blob();
    const values = r.blob();
    maps.push({
      name: mapName,
      type,
      keySize,
      valueSize,
      maxEntries,
      flags,
      ...(bits & 1 ? { readOnly: true } : {}),
      ...(bits & 2 ? { returnsBlock: true } : {}),
      ...(initialValue ? { initialValue } : {}),
      ...(values ? { contents: { ...(keys && { keys }), values } } : {}),
    });
  }
  const code = r.blob() ?? new Uint8Array(0);
  let range: RangeRequest | undefined;
  if (r.remaining() === RANGE_BYTES) {
    const [splitStart, splitEnd, start, bits] = [r.u64(), r.u64(), r.u64(), r.u32()];
    if (splitStart > splitEnd || bits > 0x3ff) throw new StorageError(`program message: bad byte range [${splitStart}, ${splitEnd})`);
    range = {
      splitStart,
      splitEnd,
      ...(start > 0 ? { start: start - 1 } : {}),
      delimiter: bits & 0xff,
      quotes: (bits & 0x100) !== 0,
      header: (bits & 0x200) !== 0,
    };
  }
  r.end();
  try {
    return { file, spec: { name, section, license, maps, insns: decodeReadOnly(code) }, ...(range ? { range } : {}) };
  } catch (error) {
    if (error instanceof InstructionError) throw new StorageError(`program message: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * encodeResult writes map contents as bytes: magic "SLRS", then per map its name, sizes, entry count
 * and key||value pairs. A block (MapContents.block) has the count BLOCK_MARK, then its length in
 * entries and either DENSE and every value, or the number of its non-zero entries and each as a u32
 * index and its value, whichever is shorter.
 */
export function encodeResult(maps: readonly MapContents[]): Uint8Array {
  const w = new ByteWriter();
  w.u32(RESULT_MAGIC);
  w.u32(maps.length);
  for (const map of maps) {
    w.text(map.name);
    w.u32(map.keySize);
    w.u32(map.valueSize);
    if (map.block !== undefined) {
      writeBlock(w, map.block, map.valueSize);
      continue;
    }
    w.u32(map.entries.length);
    for (const [key, value] of map.entries) {
      w.bytes(key);
      w.bytes(value);
    }
  }
  return w.finish();
}

function writeBlock(w: ByteWriter, whole: Uint8Array, valueSize: number): void {
  let end = whole.length;
  while (end > 0 && whole[end - 1] === 0) end--;
  const length = Math.ceil(end / valueSize);
  const block = whole.subarray(0, length * valueSize);
  const used: number[] = [];
  for (let entry = 0; entry < length; entry++) {
    for (let at = entry * valueSize; at < (entry + 1) * valueSize; at++) {
      if (block[at] !== 0) {
        used.push(entry);
        break;
      }
    }
  }
  w.u32(BLOCK_MARK);
  w.u32(length);
  if (used.length * (4 + valueSize) >= block.length) {
    w.u32(DENSE);
    w.bytes(block);
    return;
  }
  w.u32(used.length);
  for (const entry of used) {
    w.u32(entry);
    w.bytes(block.subarray(entry * valueSize, (entry + 1) * valueSize));
  }
}

/** decodeResult reads what encodeResult wrote. */
export function decodeResult(bytes: Uint8Array): MapContents[] {
  const r = new ByteReader(bytes, 'result message');
  if (r.u32() !== RESULT_MAGIC) throw new StorageError('result message: bad magic number');
  const maps: MapContents[] = [];
  for (let i = r.u32(); i > 0; i--) {
    const name = r.text();
    const [keySize, valueSize, count] = [r.u32(), r.u32(), r.u32()];
    if (count === BLOCK_MARK) {
      maps.push({ name, keySize, valueSize, entries: [], block: readBlock(r, valueSize) });
      continue;
    }
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let e = 0; e < count; e++) entries.push([r.bytes(keySize), r.bytes(valueSize)]);
    maps.push({ name, keySize, valueSize, entries });
  }
  r.end();
  return maps;
}

function readBlock(r: ByteReader, valueSize: number): Uint8Array {
  const length = r.u32();
  const stored = r.u32();
  if (stored === DENSE) return r.bytes(length * valueSize);
  const block = new Uint8Array(length * valueSize);
  for (let i = 0; i < stored; i++) {
    const entry = r.u32();
    if (entry >= length) throw new StorageError(`result message: block entry ${entry} is past its length ${length}`);
    block.set(r.bytes(valueSize), entry * valueSize);
  }
  return block;
}

/** ByteWriter appends little-endian fields to a growing buffer. */
class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  /** u64 writes a safe integer as two little-endian u32 halves. */
  u64(value: number): void {
    this.u32(value % 2 ** 32);
    this.u32(Math.floor(value / 2 ** 32));
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
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
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

  u64(): number {
    const low = this.u32();
    const high = this.u32();
    if (high >= 2 ** 21) throw new StorageError(`${this.what}: a 64-bit field at byte ${this.at - 8} is too large`);
    return high * 2 ** 32 + low;
  }

  remaining(): number {
    return this.data.length - this.at;
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
