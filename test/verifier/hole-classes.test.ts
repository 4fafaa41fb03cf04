// The verifier holes of issue 10, one class at a time: each program's verdict, instruction and
// reason, checked against Sluice and (when bpf() works) against Linux loading the same program as XDP.
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { KernelVerifierError, kernelAvailability, loadKernelProgram } from '../../src/kernel/bpf.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { STACK_TOP } from '../../src/vm/memory.js';
import { Runtime } from '../../src/vm/runtime.js';
import { VerifierError, verify } from '../../src/verifier/index.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';

const availability = kernelAvailability();
if (!availability.ok) console.log(`Linux verdicts of the hole classes skipped: ${availability.reason}`);

/** Refusal is where and why a verifier refuses a program. */
interface Refusal {
  readonly insn: number;
  readonly reason: string;
}

/**
 * Case is one program. `sluice` is Sluice's refusal (undefined: accepted); `linux` is Linux's
 * where it differs (`'accepts'`, or a refusal: insn left out where Linux's log names none), else
 * Linux must refuse at the same instruction with a log line containing Sluice's reason.
 */
interface Case {
  readonly name: string;
  readonly source: string;
  readonly sluice?: Refusal;
  readonly linux?: 'accepts' | { readonly insn?: number; readonly reason: string };
  /** Sluice's verdict before the fix, for the record. */
  readonly before: 'accepted' | 'refused';
}

/** CTX_WRITE is a store Linux and Sluice both refuse wherever they walk it. */
const CTX_WRITE = 'invalid bpf_context access off=0 size=4';

const CASES: Record<string, Case[]> = {
  'byte swaps of known constants': [
    {
      name: 'be64 of a constant above 2^32 is not folded from its low half',
      source: 'r6 = r1\nr1 = 0x100000000 ll\nr1 = be64 r1\nif r1 == 0 goto ok\n*(u32 *)(r6 + 0) = 0\nok:\nr0 = 0\nexit',
      sluice: { insn: 5, reason: CTX_WRITE },
      before: 'accepted',
    },
  ],
  'null checks on pointers that are not nullable': [
    {
      name: 'a stack pointer moved to address 0 compared == 0 walks the equal side',
      source: `r2 = r10\nr2 += -${STACK_TOP}\nif r2 == 0 goto bad\nr0 = 0\nexit\nbad:\n*(u32 *)(r1 + 0) = 0\nr0 = 0\nexit`,
      sluice: { insn: 5, reason: CTX_WRITE },
      before: 'accepted',
    },
    {
      name: 'a stack pointer compared != 0 walks the fall-through',
      source: 'r2 = r10\nr2 += -8\nif r2 != 0 goto ok\n*(u32 *)(r1 + 0) = 0\nok:\nr0 = 0\nexit',
      sluice: { insn: 3, reason: CTX_WRITE },
      before: 'accepted',
    },
    {
      name: 'a context pointer compared == 0 walks both sides',
      source: 'r2 = r1\nif r2 == 0 goto bad\nr0 = 0\nexit\nbad:\n*(u32 *)(r1 + 0) = 0\nexit',
      sluice: { insn: 4, reason: CTX_WRITE },
      before: 'accepted',
    },
    {
      name: 'a packet pointer after arithmetic compared == 0 walks both sides',
      source: 'r2 = *(u32 *)(r1 + 0)\nr2 += 4\nif r2 == 0 goto bad\nr0 = 0\nexit\nbad:\n*(u32 *)(r1 + 0) = 0\nexit',
      sluice: { insn: 5, reason: CTX_WRITE },
      before: 'accepted',
    },
    {
      name: 'a map value moved below its region may be 0 in Sluice (Linux decides it non-null)',
      source: mapValueCompare(-0x30000),
      sluice: { insn: 12, reason: 'R7 !read_ok' },
      linux: 'accepts',
      before: 'accepted',
    },
    {
      name: 'a map value moved forward is non-null, as in Linux',
      source: mapValueCompare(4),
      before: 'accepted',
    },
  ],
  'partial fills and spills of pointers': [
    ...[
      ['u32', 8],
      ['u32', 4],
      ['u16', 2],
      ['u8', 1],
      ['u8', 8],
    ].map(([size, at]) => ({
      name: `a ${size} fill at fp-${at} of a spilled pointer`,
      source: `*(u64 *)(r10 - 8) = r1\nr0 = *(${size} *)(r10 - ${at})\nexit`,
      sluice: { insn: 1, reason: 'invalid size of register fill' },
      before: 'accepted' as const,
    })),
    {
      name: 'a misaligned u64 fill across two spilled pointers',
      source: '*(u64 *)(r10 - 16) = r1\n*(u64 *)(r10 - 8) = r1\nr0 = *(u64 *)(r10 - 12)\nexit',
      sluice: { insn: 2, reason: 'misaligned stack access off 0+0+-12 size 8' },
      before: 'refused',
    },
    {
      name: 'a u32 spill of a pointer',
      source: '*(u32 *)(r10 - 8) = r1\nr0 = 0\nexit',
      sluice: { insn: 0, reason: 'invalid size of register spill' },
      before: 'accepted',
    },
    {
      name: 'a spilled pointer partly overwritten fills as a scalar',
      source: '*(u64 *)(r10 - 8) = r1\n*(u32 *)(r10 - 8) = 0\nr2 = *(u64 *)(r10 - 8)\nr0 = *(u32 *)(r2 + 0)\nexit',
      sluice: { insn: 3, reason: "R2 invalid mem access 'scalar'" },
      before: 'refused',
    },
    {
      name: 'a variable-offset stack write that may be misaligned',
      source: 'r2 = *(u32 *)(r1 + 16)\nr2 &= 6\nr3 = r10\nr3 += -16\nr3 += r2\n*(u32 *)(r3 + 0) = 1\nr0 = 0\nexit',
      sluice: { insn: 5, reason: 'misaligned stack access off (0x0; 0x6)+-16+0 size 4' },
      before: 'accepted',
    },
  ],
  'callx': [
    {
      name: 'callx of a helper id in a register',
      source: 'r1 = 1\ncallx r1\nr0 = 0\nexit',
      sluice: { insn: 1, reason: 'unknown opcode 8d' },
      linux: { reason: 'unknown opcode 8d' },
      before: 'refused',
    },
    {
      name: 'callx of bpf_loop with a forged callback',
      source: 'r1 = 1\nr2 = 0xe0000064 ll\nr3 = 0\nr4 = 0\nr5 = 181\ncallx r5\nr0 = 0\nexit',
      sluice: { insn: 6, reason: 'unknown opcode 8d' },
      linux: { reason: 'unknown opcode 8d' },
      before: 'refused',
    },
  ],
  'constant divisors of 0 and constant shifts out of range': [
    ...(
      [
        ['r0 /= 0', 'div by zero'],
        ['r0 %= 0', 'div by zero'],
        ['w0 /= 0', 'div by zero'],
        ['w0 %= 0', 'div by zero'],
        ['r0 s/= 0', 'div by zero'],
        ['r0 <<= 64', 'invalid shift 64'],
        ['r0 >>= 100', 'invalid shift 100'],
        ['r0 s>>= -1', 'invalid shift -1'],
        ['w0 <<= 32', 'invalid shift 32'],
        ['w0 >>= 32', 'invalid shift 32'],
        ['w0 s>>= 40', 'invalid shift 40'],
      ] as const
    ).map(([insn, reason]) => ({
      name: insn,
      source: `r0 = 1\n${insn}\nexit`,
      sluice: { insn: 1, reason },
      before: 'accepted' as const,
    })),
    {
      name: 'a shift by a register holding 64 is not refused (the engines mask it)',
      source: 'r0 = 1\nr1 = 64\nr0 <<= r1\nr0 = 0\nexit',
      before: 'accepted',
    },
    {
      name: 'a division by a register holding 0 is not refused (x/0 = 0)',
      source: 'r0 = 1\nr1 = 0\nr0 /= r1\nexit',
      before: 'accepted',
    },
  ],
  'bounds Linux does not track (findings 002, 007, 008, 010, 014, 017, 018)': [
    ...(
      [
        ['r2 = 48\nr2 /= 7\nif r2 != 6 goto bad', 'a 64-bit division of constants'],
        ['w2 = 48\nw2 %= 7\nif w2 != 6 goto bad', 'a 32-bit remainder of constants'],
        ['r2 = 48\nr2 s/= 7\nif r2 != 6 goto bad', 'a signed division of constants'],
        ['r2 = *(u32 *)(r1 + 16)\nr2 &= 3\nr3 = 0xff\nr3 >>= r2\nif r3 > 0xff goto bad', 'a shift by a bounded register'],
        ['r3 = 1\nr2 = 64\nr3 <<= r2\nif r3 != 1 goto bad', 'a shift by a register holding the width'],
      ] as const
    ).map(([body, what]) => ({
      name: `${what} has unknown bounds, so the check after it is not decided`,
      source: `r6 = r1\n${body}\nr0 = 0\nexit\nbad:\n*(u32 *)(r6 + 0) = 0\nr0 = 0\nexit`,
      sluice: { insn: body.split('\n').length + 3, reason: CTX_WRITE },
      before: 'accepted' as const,
    })),
    {
      name: 'a 32-bit remainder is any 64-bit value, as in Linux (its upper half is not known to be 0)',
      source: 'r6 = r1\nr2 = *(u32 *)(r1 + 16)\nw2 %= 7\nr3 = 0xffffffff ll\nif r2 > r3 goto bad\nr0 = 0\nexit\nbad:\n*(u32 *)(r6 + 0) = 0\nr0 = 0\nexit',
      sluice: { insn: 8, reason: CTX_WRITE },
      before: 'accepted',
    },
    {
      name: '029: a 32-bit quotient bounded by a 32-bit jump and a signed one is still unbounded in 64 bits',
      source: [
        '.map glob array key=4 value=48 entries=1',
        'call 7',
        'r1 = r0',
        'w1 /= 3',
        'if w1 >= 40 goto out',
        'if r1 s< 0 goto out',
        'r2 = map[glob][0]+0x0 ll',
        'r2 += r1',
        'r7 = *(u8 *)(r2 + 0)',
        'out:',
        'r0 = 0',
        'exit',
      ].join('\n'),
      sluice: { insn: 8, reason: 'R2 unbounded memory access' },
      before: 'accepted',
    },
  ],
  'campaign findings (differential against Linux)': [
    {
      name: '002: a map value plus a 32-bit remainder (unbounded signed minimum in Linux)',
      source: '.map glob array key=4 value=48 entries=1\nr1 = 0x30\nw1 %= 0x7\nr2 = map[glob][0]+0x0 ll\nr2 += r1\nr0 = 2\nexit',
      sluice: { insn: 4, reason: 'math between map_value pointer and register with unbounded min value is not allowed' },
      before: 'accepted',
    },
    {
      name: '003: a misaligned atomic on a map value',
      source: '.map glob array key=4 value=48 entries=1\nr1 = map[glob][0]+0x8 ll\nr2 = 3\nr0 = 0\nr2 = atomic_fetch_xor((u64 *)(r1 + 0x4), r2)\nexit',
      sluice: { insn: 4, reason: 'misaligned value access off 0+8+4 size 8' },
      before: 'accepted',
    },
    {
      name: '011: a callee stores a pointer to its caller\'s stack into the caller\'s stack',
      source: 'r1 = r10\nr1 += -24\ncall f\nexit\nf:\n*(u64 *)(r1 + 8) = r1\nr0 = 0\nexit',
      sluice: { insn: 4, reason: 'cannot spill pointers to stack into stack frame of the caller' },
      before: 'accepted',
    },
    {
      name: '020: a direct value address into an array of 4 entries',
      source: '.map arr array key=4 value=16 entries=4\nr2 = map[arr][0]+0x0 ll\nr0 = 2\nexit',
      sluice: { insn: 0, reason: 'invalid access to map value pointer, value_size=16 off=0' },
      linux: { reason: 'invalid access to map value pointer, value_size=16 off=0' },
      before: 'accepted',
    },
    {
      name: '032: a direct value address into a hash map',
      source: '.map h hash key=4 value=8 entries=4\nr1 = map[h][0]+0x0 ll\nr0 = 2\nexit',
      sluice: { insn: 0, reason: 'no direct value access support for this map type' },
      linux: { reason: 'no direct value access support for this map type' },
      before: 'accepted',
    },
    {
      name: '021: bpf_map_update_elem into a read-only map',
      source: [
        '.map ro array key=4 value=8 entries=1 readonly init=0301040105090206',
        '*(u64 *)(r10 - 8) = 0',
        '*(u64 *)(r10 - 24) = 7',
        'r2 = r10',
        'r2 += -8',
        'r1 = map[ro] ll',
        'r3 = r10',
        'r3 += -24',
        'r4 = 0',
        'call 2',
        'exit',
      ].join('\n'),
      sluice: { insn: 9, reason: 'write into map forbidden' },
      before: 'accepted',
    },
    {
      name: '023: a packet pointer plus an unbounded register, never dereferenced',
      source: 'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 8\nif r4 > r3 goto +2\nr7 = *(u64 *)(r2 + 0)\nr4 += r7\nr0 = 2\nexit',
      sluice: { insn: 6, reason: 'math between pkt pointer and register with unbounded min value is not allowed' },
      before: 'accepted',
    },
    {
      name: '034: a bpf_loop callback adds its index (unbounded, as in Linux) to a stack pointer',
      source: 'r1 = 5\nr2 = func[cb] ll\nr3 = r10\nr4 = 0\ncall 181\nexit\ncb:\nr3 = r1\nr4 = r2\nr4 += r3\nr0 = 0\nexit',
      sluice: { insn: 9, reason: 'math between fp pointer and register with unbounded min value is not allowed' },
      before: 'accepted',
    },
    {
      name: 'a constant of 2^29 added to the context pointer',
      source: 'r1 += 0x20000000\nr0 = 2\nexit',
      sluice: { insn: 0, reason: 'math between ctx pointer and 536870912 is not allowed' },
      before: 'refused',
    },
    {
      name: 'a subtraction from a stack pointer',
      source: 'r2 = r10\nr2 -= 8\n*(u64 *)(r2 + 0) = 0\nr0 = 0\nexit',
      sluice: { insn: 1, reason: 'R2 subtraction from stack pointer prohibited' },
      before: 'accepted',
    },
  ],
  'loops': [
    {
      name: 'a bounded loop whose state narrows inside an earlier one is accepted',
      source: 'r1 = *(u32 *)(r1 + 16)\nr1 &= 255\nloop:\nif r1 == 0 goto out\nr1 >>= 1\ngoto loop\nout:\nr0 = 0\nexit',
      before: 'refused',
    },
    {
      name: 'a loop that reloads the same unknown value each time is still refused',
      source: 'r6 = r1\nloop:\nr1 = *(u32 *)(r6 + 16)\nif r1 > 10 goto out\ngoto loop\nout:\nr0 = 0\nexit',
      sluice: { insn: 1, reason: 'infinite loop detected at insn 1' },
      // Linux's trace stops at the jump back (insn 3); its message names the loop head.
      linux: { insn: 3, reason: 'infinite loop detected at insn 1' },
      before: 'refused',
    },
  ],
};

/** mapValueCompare looks up a map value, moves it by `delta` and compares it with 0; the == 0 side reads an unset register. */
function mapValueCompare(delta: number): string {
  return [
    '.map counts array key=4 value=8 entries=1',
    'r1 = 0',
    '*(u32 *)(r10 - 4) = r1',
    'r2 = r10',
    'r2 += -4',
    'r1 = map[counts] ll',
    'call 1',
    'if r0 == 0 goto out',
    `r0 += ${delta}`,
    'if r0 == 0 goto bad',
    'r0 = 0',
    'exit',
    'bad:',
    'r0 = *(u8 *)(r7 + 0)',
    'exit',
    'out:',
    'r0 = 0',
    'exit',
  ].join('\n');
}

function sluiceVerdict(source: string): Refusal | undefined {
  try {
    verify(assemble(source), { context: HOOK_CONTEXT, complexityLimit: 100_000 });
    return undefined;
  } catch (e) {
    if (!(e instanceof VerifierError)) throw e;
    return { insn: e.insn, reason: e.reason };
  }
}

/** linuxVerdict loads the program as XDP: undefined if accepted, else the insn and the whole log. */
function linuxVerdict(source: string): { insn: number | undefined; log: string } | undefined {
  try {
    loadKernelProgram(assemble(source, { file: 'hole.s', name: 'hole', section: 'xdp' }), { type: 'xdp' }).close();
    return undefined;
  } catch (e) {
    if (!(e instanceof KernelVerifierError)) throw e;
    return { insn: e.insn, log: e.log };
  }
}

describe.each(Object.entries(CASES))('%s', (_class, cases) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const refusal = sluiceVerdict(c.source);
    if (c.sluice) {
      expect(refusal, 'Sluice refuses').toBeDefined();
      expect(refusal!.insn).toBe(c.sluice.insn);
      expect(refusal!.reason).toContain(c.sluice.reason);
    } else {
      expect(refusal, 'Sluice accepts').toBeUndefined();
    }
  });

  test.skipIf(!availability.ok).each(cases.map((c) => [c.name, c] as const))('Linux agrees: %s', (_name, c) => {
    const linux = linuxVerdict(c.source);
    const expected = c.linux ?? c.sluice;
    if (expected === undefined || expected === 'accepts') {
      expect(linux, 'Linux accepts').toBeUndefined();
      return;
    }
    expect(linux, 'Linux refuses').toBeDefined();
    if (expected.insn !== undefined) expect(linux!.insn).toBe(expected.insn);
    expect(linux!.log).toContain(expected.reason);
  });
});

test('the layout the null-check rule relies on: every region starts above 0 and ends below 2^30, map handles are not 0', () => {
  const runtime = new Runtime(assemble(mapValueCompare(4)).maps);
  for (const region of runtime.space.regions) {
    expect(region.start, region.kind).toBeGreaterThan(0);
    expect(region.end, region.kind).toBeLessThanOrEqual(2 ** 30);
  }
  expect(runtime.mapHandle(0)).toBeGreaterThan(0);
});

describe('byte swaps of known constants', () => {
  const SWAPS = ['be16', 'be32', 'be64', 'le16', 'le32', 'le64', 'bswap16', 'bswap32', 'bswap64'];
  /** values: edges of every width and a seeded spread of 64-bit patterns. */
  const values: bigint[] = [0n, 1n, 0xffn, 0x100n, 0xffffn, 0x10000n, 0xffffffffn, 0x100000000n, 0x8000000000000000n, (1n << 64n) - 1n];
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 40; i++) {
    x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n);
    values.push(x, x >> BigInt(i % 64));
  }
  const interpreter = new Interpreter();
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const run = (source: string) => {
    const spec = assemble(source);
    return interpreter.load(spec, new Runtime(spec.maps)).run(0).r0;
  };

  test.each(SWAPS)('%s: the verifier folds every constant to what the interpreter computes', (swap) => {
    const disagree: string[] = [];
    for (const v of values) {
      const engine = run(`r0 = ${hex(v)} ll\nr0 = ${swap} r0\nexit`);
      // Accepted only if the verifier knows r0 is exactly `engine`: otherwise it walks the store into the context.
      const source = `r0 = ${hex(v)} ll\nr0 = ${swap} r0\nr2 = ${hex(engine)} ll\nif r0 == r2 goto ok\n*(u32 *)(r1 + 0) = 0\nok:\nr0 = 0\nexit`;
      if (sluiceVerdict(source)) disagree.push(`${swap} ${hex(v)}: interpreter ${hex(engine)}`);
      // And the check can fail: a neighbouring constant is refused at the store.
      expect(sluiceVerdict(source.replace(`r2 = ${hex(engine)} ll`, `r2 = ${hex(engine ^ 1n)} ll`))?.insn).toBe(6);
    }
    expect(disagree).toEqual([]);
  });
});

describe('deep chains of local calls (issue 11)', () => {
  /** chain returns main calling f1, f1 calling f2, ... f(n) returning: n + 1 frames at the deepest. */
  const chain = (n: number) => {
    const lines = ['call f1', 'r0 = 0', 'exit'];
    for (let i = 1; i < n; i++) lines.push(`f${i}:`, `call f${i + 1}`, 'exit');
    lines.push(`f${n}:`, 'r0 = 0', 'exit');
    return lines.join('\n');
  };

  test('a chain of 20,000 calls is refused at the call that opens the ninth frame, without exhausting the host stack', () => {
    // f7 starts at slot 3 + 6 * 2 = 15: its call opens frame 9.
    expect(sluiceVerdict(chain(20_000))).toEqual({ insn: 15, reason: 'the call stack of 9 frames is too deep (the limit is 8)' });
  });

  test('eight frames are allowed, nine are not (Linux: "the call stack of 9 frames is too deep !")', () => {
    expect(sluiceVerdict(chain(7))).toBeUndefined();
    expect(sluiceVerdict(chain(8))?.insn).toBe(15);
  });

  test.skipIf(!availability.ok)('Linux agrees on eight and nine frames', () => {
    expect(linuxVerdict(chain(7))).toBeUndefined();
    expect(linuxVerdict(chain(8))?.log).toContain('the call stack of 9 frames is too deep');
  });
});
