// Pure pieces of the helper functions: trace_printk formatting and the seeded PRNG behind get_prandom_u32.

/** TraceFormatResult is a formatted trace line, or the reason the format was refused. */
export type TraceFormatResult = { readonly text: string } | { readonly error: string };

/**
 * formatTrace expands a bpf_trace_printk format with up to three 64-bit arguments (given as
 * unsigned bigints). It accepts %d %i %u %x %ld %li %lu %lx %lld %lli %llu %llx %s %c %%, as
 * Linux does; `readString` fetches the NUL-terminated string a %s argument points to.
 */
export function formatTrace(
  format: string,
  args: readonly bigint[],
  readString: (address: bigint) => string,
): TraceFormatResult {
  let out = '';
  let used = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const match = /^(%|l{0,2}[diux]|s|c)/.exec(format.slice(i + 1));
    if (!match) return { error: `unsupported conversion "${format.slice(i, i + 4)}" in trace format` };
    const spec = match[1] as string;
    i += spec.length;
    if (spec === '%') {
      out += '%';
      continue;
    }
    if (used === 3) return { error: 'trace format uses more than 3 arguments' };
    const arg = args[used++] ?? 0n;
    out += convert(spec, arg, readString);
  }
  return { text: out };
}

function convert(spec: string, arg: bigint, readString: (address: bigint) => string): string {
  const kind = spec[spec.length - 1];
  const wide = spec.length > 1;
  switch (kind) {
    case 's':
      return readString(arg);
    case 'c':
      return String.fromCharCode(Number(arg & 0xffn));
    case 'x':
      return (wide ? arg : arg & 0xffff_ffffn).toString(16);
    case 'u':
      return (wide ? arg : arg & 0xffff_ffffn).toString();
    default:
      return (wide ? BigInt.asIntN(64, arg) : BigInt.asIntN(32, arg)).toString();
  }
}

/**
 * Xorshift32 is a small deterministic PRNG (Marsaglia's xorshift with shifts 13, 17, 5):
 * the same seed gives the same get_prandom_u32 sequence on every engine and every run.
 */
export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    // A zero state would stay zero forever; mix the seed so every seed (including 0) works.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0x2545f491) | 0 || 1;
  }

  /** next returns the next value as an unsigned 32-bit number. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x >>> 0;
  }
}
