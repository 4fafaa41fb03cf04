// The bpf_conformance plugin protocol: hex or raw program in, r0 in hex out, refusals as SluiceErrors.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { encode } from '../../src/asm/instruction.js';
import { SluiceError } from '../../src/util/errors.js';
import { ENGINES } from '../../src/vm/engines.js';
import { CLI } from '../cli/run-cli.js';
import { hexText, programBytes, runPlugin } from '../../src/vm/plugin.js';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
const LOAD_DW = encode(assemble('ldxdw %r0, [%r1+2]\nexit').insns);

describe('plugin logic', () => {
  it('reads hex text and passes raw bytecode through', () => {
    expect(programBytes(new TextEncoder().encode(` ${hex(LOAD_DW)}\n`))).toEqual(LOAD_DW);
    expect(programBytes(LOAD_DW)).toBe(LOAD_DW);
  });

  it.each(ENGINES.map((e) => [e.name, e] as const))('%s prints all 64 bits of r0 in lowercase hex', (_name, engine) => {
    const memory = hexText('aa  bb  11 22 33 44 55 66 77 88 cc dd', 'memory');
    expect(runPlugin(engine, LOAD_DW, memory)).toBe('8877665544332211');
  });

  it('reports bad input and faults as SluiceErrors naming the problem', () => {
    const engine = ENGINES[0]!;
    expect(() => hexText('zz', 'memory')).toThrow(/memory: "zz" is not a hex byte/);
    expect(() => runPlugin(engine, new Uint8Array(0), new Uint8Array(0))).toThrow(/no program/);
    expect(() => runPlugin(engine, Uint8Array.of(0x04, 0x10, 0, 0, 1, 0, 0, 0), new Uint8Array(0))).toThrow(SluiceError);
    expect(() => runPlugin(engine, LOAD_DW, Uint8Array.of(1, 2))).toThrow(/out-of-bounds.*insn #0/);
  });
});

const MAIN = CLI;
const built = existsSync(MAIN) && spawnSync('node', [MAIN, 'plugin', '--help']).status === 0;
if (!built) console.log(`skipping the plugin CLI wiring test: ${MAIN} is missing or lacks the plugin command (run npm run build)`);

describe.skipIf(!built)('sluice plugin (built CLI)', () => {
  it('runs a program from stdin and prints r0', () => {
    const out = execFileSync('node', [MAIN, 'plugin', 'aa bb 11 22 33 44 55 66 77 88 cc dd'], { input: hex(LOAD_DW) });
    expect(out.toString()).toBe('8877665544332211\n');
  });

  it('exits non-zero with the reason on stderr', () => {
    const result = spawnSync('node', [MAIN, 'plugin', '--engine', 'interpreter'], { input: hex(LOAD_DW) });
    expect(result.status).not.toBe(0);
    expect(result.stderr.toString()).toMatch(/^error: .*insn #0/);
  });
});
