// One program of the verifier campaign: Sluice's verdict, Linux's verdict, and (if Sluice accepts) an audited run on both engines.
import { isJump, relativeTarget } from '../asm/control.js';
import { Class, JmpOp, LDDW, PseudoSrc } from '../asm/opcodes.js';
import type { Instruction } from '../asm/instruction.js';
import type { ProgramSpec } from '../asm/program.js';
import { KernelError, KernelVerifierError, loadKernelProgram } from '../kernel/bpf.js';
import { HOOK_CONTEXT, HookContextOffset, encodeHookContext } from '../storage/hook-context.js';
import { VerifierError, verify, type VerifierResult } from '../verifier/index.js';
import { AuditViolation } from '../vm/audit.js';
import type { Engine, Executable, ProgramFacts } from '../vm/engine.js';
import { Interpreter } from '../vm/interpreter.js';
import { jitEngine } from '../vm/jit/engine.js';
import type { BpfMap } from '../vm/maps.js';
import { Runtime } from '../vm/runtime.js';
import { Random } from '../fuzz/generator.js';

/** Verdict is one verifier's answer: accepted, or refused with its reason line. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Agreement classifies a program by the two verdicts. Of the Sluice-only ones, 'hook' reads a hook
 * field past xdp_md, and 'linux-bug' is refused by Linux's own "verifier bug" check (a kernel bug, not a verdict).
 */
export type Agreement = 'both' | 'neither' | 'sluice-only' | 'hook' | 'linux-bug' | 'linux-only';

/** RunCheck is what the audited runs found: nothing, a violation (audit, or a read-only map changed), or the engines disagreeing. */
export type RunCheck = { readonly kind: 'agree' } | { readonly kind: 'violation' | 'disagreement'; readonly detail: string };

/**
 * COMPLEXITY_LIMIT bounds Sluice's walk in the campaign: generated programs need a few thousand
 * instructions at most, and a mutation that makes a loop endless would otherwise cost seconds
 * (Linux keeps its own limit of 1,000,000; a program Linux accepts past ours shows as Linux-only).
 */
const COMPLEXITY_LIMIT = 200_000;

/** sluiceVerdict verifies `spec` for the storage hook; anything but a VerifierError is reported as a crash. */
export function sluiceVerdict(spec: ProgramSpec): { verdict: Verdict; result?: VerifierResult } {
  try {
    return { verdict: { ok: true }, result: verify(spec, { context: HOOK_CONTEXT, complexityLimit: COMPLEXITY_LIMIT }) };
  } catch (e) {
    if (e instanceof VerifierError) return { verdict: { ok: false, reason: e.message.split('\n')[0]! } };
    return { verdict: { ok: false, reason: `crash: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` } };
  }
}

/** linuxVerdict loads `spec` into the kernel as an XDP program (maps created, func_info for sub-programs) and unloads it. */
export function linuxVerdict(spec: ProgramSpec): Verdict {
  try {
    loadKernelProgram(spec, { type: 'xdp', locate: false }).close();
    return { ok: true };
  } catch (e) {
    if (e instanceof KernelVerifierError) return { ok: false, reason: reasonLine(e.log) };
    if (e instanceof KernelError) return { ok: false, reason: `${e.operation}: ${e.code}` };
    throw e;
  }
}

/** reasonLine is the verifier log's last line that is not a statistic: the refusal's reason. */
export function reasonLine(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^(processed \d+ insns|verification time|stack depth)/.test(l));
  return lines[lines.length - 1] ?? '(empty verifier log)';
}

/** reasonClass turns a reason into a class for counting: numbers and register names replaced by N. */
export function reasonClass(reason: string): string {
  return reason.replace(/\b[Rr]\d+/g, 'RN').replace(/-?(0x[0-9a-f]+|\d+)/g, 'N');
}

/** agreement classifies two verdicts; a Sluice-only acceptance refused by Linux at a hook field offset is 'hook'. */
export function agreement(sluice: Verdict, linux: Verdict): Agreement {
  if (sluice.ok && linux.ok) return 'both';
  if (!sluice.ok && !linux.ok) return 'neither';
  if (!sluice.ok) return 'linux-only';
  const reason = (linux as { reason: string }).reason;
  if (reason.startsWith('verifier bug')) return 'linux-bug';
  const ctx = /invalid bpf_context access off=(\d+)/.exec(reason);
  return ctx && Number(ctx[1]) >= HookContextOffset.flags && Number(ctx[1]) < HOOK_CONTEXT.size ? 'hook' : 'sluice-only';
}

const RUNTIME_OPTIONS = { budget: 200_000, seed: 1, clock: () => 1_700_000_000_000_000_000n };

/**
 * Runner runs accepted programs on the audited interpreter and the JIT (with the verifier's facts,
 * checks dropped) over random chunks, in a fresh runtime each, and compares every outcome.
 */
export class Runner {
  private readonly audited = new Interpreter({ audit: true });
  private readonly context = new Uint8Array(HOOK_CONTEXT.size);
  private readonly contextView = new DataView(this.context.buffer);

  constructor(private readonly chunksPerProgram = 3) {}

  check(spec: ProgramSpec, facts: VerifierResult, seed: number): RunCheck {
    // Fresh runtimes, same seed and a fixed clock: both engines see the same helpers' answers.
    const left = new Runtime(spec.maps, RUNTIME_OPTIONS);
    const right = new Runtime(spec.maps, RUNTIME_OPTIONS);
    const interpreted = load(this.audited, spec, left, facts);
    const compiled = load(jitEngine, spec, right, facts);
    if (typeof interpreted === 'string' || typeof compiled === 'string') {
      const [a, b] = [interpreted, compiled].map((e) => (typeof e === 'string' ? e : 'loaded'));
      return a === b ? { kind: 'agree' } : { kind: 'disagreement', detail: `load: interpreter ${a} <> jit ${b}` };
    }
    const readOnly = readOnlyContents(left);
    const rng = new Random(seed ^ 0x5bd1e995);
    const fileSize = 1 + rng.below(4096);
    let offset = 0;
    for (let k = 0; k < this.chunksPerProgram; k++) {
      const length = rng.pick([0, 1 + rng.below(16), 1 + rng.below(64), 100 + rng.below(300)]);
      const chunk = Uint8Array.from({ length }, () => rng.below(256));
      const flags = (k === 0 ? 1 : 0) | (length === 0 ? 4 : 0);
      const a = this.observe(interpreted, left, chunk, { flags, chunkIndex: k, fileOffset: offset, fileSize });
      if (a.startsWith('AuditViolation')) return { kind: 'violation', detail: `chunk ${k} (${length} bytes): ${a}` };
      const changed = readOnly.find(([map, contents]) => contents !== mapText(map));
      if (changed) return { kind: 'violation', detail: `chunk ${k} (${length} bytes): read-only map ${changed[0].name} changed at run time` };
      const b = this.observe(compiled, right, chunk, { flags, chunkIndex: k, fileOffset: offset, fileSize });
      if (a !== b) return { kind: 'disagreement', detail: `chunk ${k} (${length} bytes): interpreter ${a} <> jit ${b}` };
      offset += length;
    }
    return { kind: 'agree' };
  }

  private observe(program: Executable, runtime: Runtime, chunk: Uint8Array, fields: { flags: number; chunkIndex: number; fileOffset: number; fileSize: number }): string {
    const data = runtime.space.setInput(chunk);
    encodeHookContext({ data, dataEnd: data + chunk.length, ...fields }, this.contextView);
    const ctx = runtime.space.setContext(this.context);
    try {
      const { r0, instructions } = program.run(ctx);
      const maps = runtime.maps.map(mapText).join(';');
      return `r0=0x${r0.toString(16)} insns=${instructions} maps=${maps}`;
    } catch (e) {
      return failure(e);
    }
  }
}

function load(engine: Engine, spec: ProgramSpec, runtime: Runtime, facts: ProgramFacts): Executable | string {
  try {
    return engine.load(spec, runtime, facts);
  } catch (e) {
    return failure(e);
  }
}

function failure(e: unknown): string {
  if (e instanceof AuditViolation) return `AuditViolation: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** readOnlyContents snapshots the runtime's read-only maps, which no run may change. */
function readOnlyContents(runtime: Runtime): [BpfMap, string][] {
  return runtime.maps.filter((m) => m.spec.readOnly).map((m) => [m, mapText(m)]);
}

function mapText(map: BpfMap): string {
  return map.entries().map(([k, v]) => `${hex(k)}=${hex(v)}`).join(',');
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * minimize removes instructions one at a time (fixing every jump, call and function reference
 * across the gap) while `keeps` still holds, until no single removal keeps it: the shortest
 * program a greedy search finds that still shows the disagreement.
 */
export function minimize(spec: ProgramSpec, keeps: (candidate: ProgramSpec) => boolean): ProgramSpec {
  let best = spec;
  for (let m = best.maps.length - 1; m >= 0; m--) {
    const candidate = withoutMap(best, m);
    if (candidate && keeps(candidate)) best = candidate;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = best.insns.length - 1; k >= 0; k--) {
      if (k >= best.insns.length) continue;
      const candidate = { ...best, insns: withoutInsn(best.insns, k) };
      if (candidate.insns.length === 0) continue;
      if (keeps(candidate)) {
        best = candidate;
        changed = true;
      }
    }
  }
  return best;
}

/** withoutMap drops map `m` if no instruction refers to it, renumbering the references to later maps. */
function withoutMap(spec: ProgramSpec, m: number): ProgramSpec | undefined {
  const refersTo = (insn: Instruction) => insn.opcode === LDDW && (insn.src === PseudoSrc.MAP_FD || insn.src === PseudoSrc.MAP_VALUE);
  if (spec.insns.some((insn) => refersTo(insn) && insn.imm === m)) return undefined;
  const insns = spec.insns.map((insn) => (refersTo(insn) && insn.imm > m ? { ...insn, imm: insn.imm - 1 } : insn));
  return { ...spec, maps: spec.maps.filter((_, k) => k !== m), insns };
}

/** withoutInsn removes insns[k] and re-aims every relative reference so that it keeps its target (or the next one). */
function withoutInsn(insns: readonly Instruction[], k: number): Instruction[] {
  const slots: number[] = [];
  let slot = 0;
  for (const insn of insns) {
    slots.push(slot);
    slot += insn.opcode === LDDW ? 2 : 1;
  }
  const gap = slots[k]!;
  const width = insns[k]!.opcode === LDDW ? 2 : 1;
  const moved = (s: number) => (s > gap ? s - width : s);
  const out: Instruction[] = [];
  insns.forEach((insn, j) => {
    if (j === k) return;
    const distance = relativeTarget(insn);
    if (distance === undefined) return out.push(insn);
    const from = slots[j]!;
    // Jumps keep their distance in offset, except ja32; local calls and function references in imm.
    const field = isJump(insn) && insn.opcode !== (Class.JMP32 | JmpOp.JA) ? 'offset' : 'imm';
    return out.push({ ...insn, [field]: moved(from + 1 + distance) - (moved(from) + 1) });
  });
  return out;
}
