// A growable byte buffer with the WebAssembly binary encodings: LEB128 integers, names, vectors.

/** ByteWriter appends bytes to a buffer that doubles as it fills. */
export class ByteWriter {
  protected buffer: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  protected used = 0;

  /** length is the number of bytes written so far. */
  get length(): number {
    return this.used;
  }

  /** byte appends one byte (taken modulo 256). */
  byte(value: number): this {
    if (this.used === this.buffer.length) this.grow(1);
    this.buffer[this.used++] = value & 0xff;
    return this;
  }

  /** bytes appends a byte array. */
  bytes(values: Uint8Array | readonly number[]): this {
    if (this.used + values.length > this.buffer.length) this.grow(values.length);
    this.buffer.set(values, this.used);
    this.used += values.length;
    return this;
  }

  /** u32 appends an unsigned LEB128 integer (0 .. 2^32-1). */
  u32(value: number): this {
    if (this.used + 5 > this.buffer.length) this.grow(5);
    const buffer = this.buffer;
    let v = value >>> 0;
    do {
      const low = v & 0x7f;
      v >>>= 7;
      buffer[this.used++] = v === 0 ? low : low | 0x80;
    } while (v !== 0);
    return this;
  }

  /** s32 appends a signed LEB128 integer (-2^31 .. 2^31-1). */
  s32(value: number): this {
    if (this.used + 5 > this.buffer.length) this.grow(5);
    const buffer = this.buffer;
    let v = value | 0;
    for (;;) {
      const low = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (low & 0x40) === 0) || (v === -1 && (low & 0x40) !== 0);
      buffer[this.used++] = done ? low : low | 0x80;
      if (done) return this;
    }
  }

  /** s64 appends a signed LEB128 integer; the bigint is taken modulo 2^64 as a signed value. */
  s64(value: bigint): this {
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (low & 0x40) === 0) || (v === -1n && (low & 0x40) !== 0);
      this.byte(done ? low : low | 0x80);
      if (done) return this;
    }
  }

  /** f64 appends a little-endian IEEE 754 double. */
  f64(value: number): this {
    const scratch = new DataView(new ArrayBuffer(8));
    scratch.setFloat64(0, value, true);
    return this.bytes(new Uint8Array(scratch.buffer));
  }

  /** name appends a UTF-8 string prefixed with its byte length. */
  name(text: string): this {
    const utf8 = new TextEncoder().encode(text);
    return this.u32(utf8.length).bytes(utf8);
  }

  /** sized appends another writer's bytes prefixed with their length (sections, function bodies). */
  sized(inner: ByteWriter): this {
    return this.u32(inner.length).bytes(inner.finish());
  }

  /** finish returns a view of the bytes written (valid until the next write). */
  finish(): Uint8Array<ArrayBuffer> {
    return this.buffer.subarray(0, this.used);
  }

  /** grow makes room for `need` more bytes. */
  protected grow(need: number): void {
    let size = this.buffer.length * 2;
    while (size < this.used + need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
  }
}
