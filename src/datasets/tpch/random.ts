// A small seeded pseudo-random generator (sfc32) so that generated datasets are identical on every machine.

/** Random produces a deterministic stream of integers from a seed and a stream name. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, stream: string) {
    this.a = seed >>> 0;
    this.b = hashString(stream);
    this.c = (seed * 0x9e3779b1) >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** next returns a uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** int returns a uniform integer in [low, high] (inclusive, span < 2^32). */
  int(low: number, high: number): number {
    return low + Math.floor((this.next() / 0x1_0000_0000) * (high - low + 1));
  }

  /** pick returns a uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
