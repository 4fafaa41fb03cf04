// Structural checks before the walk: size, fields, jump targets, sub-programs, reachability, calls, maps.
import { MAX_CALL_FRAMES } from '../asm/limits.js';
import { HELPERS } from '../asm/helpers.js';
import { endsFlow, isConditionalJump, isFunctionReference, isGoto, isJump, isLocalCall, jumpTarget, namedFunction } from '../asm/control.js';
import { type Instruction, bySlot, checkFields, width } from '../asm/instruction.js';
import { CALL, CALLX, CallSrc, EXIT, LDDW, PseudoSrc } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';

/** StructureError is a structural refusal found before any path is walked. */
export class StructureError extends Error {
  constructor(
    readonly slot: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** PRUNE marks a slot where a new state may be pruned; LOOP_HEAD one where a checkpoint is always kept. */
export const PRUNE = 1;
export const LOOP_HEAD = 2;


/**
 * Structure is what the walk needs to know about the program's shape: instructions by slot,
 * which function each slot belongs to, prune points (jump targets and fall-throughs of
 * conditional jumps), and the call graph.
 */
export interface Structure {
  readonly slots: readonly (Instruction | undefined)[];
  /** Entry slots of the functions, sorted; 0 is the program's entry. */
  readonly entries: readonly number[];
  /** Function index of each slot. */
  readonly functionOf: Int32Array;
  /** Where the walk considers pruning: PRUNE at jump targets and fall-throughs, LOOP_HEAD at targets of backward jumps. */
  readonly prunePoint: Uint8Array;
  /** Function entries that some bpf_loop may call (through lddw func). */
  readonly callbacks: ReadonlySet<number>;
  /** For each function index: the entry slots it calls or hands to a helper. */
  readonly callees: readonly (readonly number[])[];
}

/** checkStructure checks everything that does not need register state and returns the program's shape. */
export function checkStructure(spec: ProgramSpec, maxInsns: number): Structure {
  const slots = bySlot(spec.insns);
  const n = slots.length;
  if (n === 0) throw new StructureError(-1, 'the program has no instructions');
  if (n > maxInsns) throw new StructureError(-1, `BPF program is too large: ${n} instructions, the limit is ${maxInsns}`);
  const entrySet = new Set<number>([0]);
  const callbacks = new Set<number>();
  slots.forEach((insn, slot) => {
    if (!insn) return;
    const problem = checkFields(insn);
    if (problem) throw new StructureError(slot, problem);
    checkInstructionKind(spec, insn, slot, n, slots);
    const callee = namedFunction(insn, slot);
    if (callee !== undefined) entrySet.add(callee);
    if (callee !== undefined && isFunctionReference(insn)) callbacks.add(callee);
  });
  const entries = [...entrySet].sort((a, b) => a - b);
  const functionOf = new Int32Array(n);
  entries.forEach((entry, f) => functionOf.fill(f, entry, entries[f + 1] ?? n));
  const prunePoint = new Uint8Array(n);
  for (const e of entries) prunePoint[e] = PRUNE;
  slots.forEach((insn, slot) => {
    if (!insn) return;
    const f = functionOf[slot]!;
    const end = entries[f + 1] ?? n;
    if (isJump(insn)) {
      const target = jumpTarget(insn, slot);
      if (target < entries[f]! || target >= end) throw new StructureError(slot, `jump out of range from insn ${slot} to ${target}`);
      if (!slots[target]) throw new StructureError(slot, `jump from insn ${slot} into the middle of lddw at insn ${target - 1}`);
      prunePoint[target] = Math.max(prunePoint[target]!, target <= slot ? LOOP_HEAD : PRUNE);
      if (isConditionalJump(insn) && slot + 1 < n && !prunePoint[slot + 1]) prunePoint[slot + 1] = PRUNE;
    }
    if (isLocalCall(insn) && slot + 1 < n && !prunePoint[slot + 1]) prunePoint[slot + 1] = PRUNE;
  });
  entries.forEach((entry, f) => {
    const end = entries[f + 1] ?? n;
    let last = end - 1;
    if (!slots[last]) last--;
    const insn = slots[last]!;
    if (!endsFlow(insn)) {
      throw new StructureError(last, `last insn of the function at insn ${entry} is not an exit or jmp: execution falls off its end`);
    }
  });
  const callees = entries.map((entry, f) => calleesOf(slots, entry, entries[f + 1] ?? n));
  checkReachable(slots);
  checkCallGraph(slots, entries, callees);
  return { slots, entries, functionOf, prunePoint, callbacks, callees };
}

function checkInstructionKind(
  spec: ProgramSpec,
  insn: Instruction,
  slot: number,
  n: number,
  slots: readonly (Instruction | undefined)[],
): void {
  // callx is not in Linux's instruction table (it answers "unknown opcode 8d" before any walk).
  if (insn.opcode === CALLX) throw new StructureError(slot, `unknown opcode ${CALLX.toString(16)}`);
  if (insn.opcode === CALL) {
    if (insn.src === CallSrc.KFUNC) throw new StructureError(slot, 'kernel function calls (kfuncs) are not supported');
    if (insn.src === CallSrc.HELPER && !HELPERS.has(insn.imm)) throw new StructureError(slot, `invalid func unknown#${insn.imm}`);
    if (insn.src === CallSrc.LOCAL) {
      const target = namedFunction(insn, slot)!;
      if (target < 0 || target >= n) throw new StructureError(slot, `call to insn ${target} is outside the program`);
      if (!slots[target]) throw new StructureError(slot, `call from insn ${slot} into the middle of lddw at insn ${target - 1}`);
    }
  }
  if (insn.opcode !== LDDW) return;
  switch (insn.src) {
    case PseudoSrc.NONE:
      return;
    case PseudoSrc.MAP_FD:
    case PseudoSrc.MAP_VALUE: {
      const map = spec.maps[insn.imm];
      if (!map) throw new StructureError(slot, `map index ${insn.imm} does not exist (the program has ${spec.maps.length} maps)`);
      const off = insn.imm2 ?? 0;
      // Linux gives direct value addresses only for single-entry arrays (global data), with these words.
      if (insn.src === PseudoSrc.MAP_VALUE && map.type !== 'array') throw new StructureError(slot, 'no direct value access support for this map type');
      if (insn.src === PseudoSrc.MAP_VALUE && (map.maxEntries !== 1 || off < 0 || off >= map.valueSize)) {
        throw new StructureError(slot, `invalid access to map value pointer, value_size=${map.valueSize} off=${off}`);
      }
      return;
    }
    case PseudoSrc.FUNC: {
      const target = namedFunction(insn, slot)!;
      if (target < 0 || target >= n || !slots[target]) throw new StructureError(slot, `lddw func points at insn ${target}, not an instruction`);
      return;
    }
    default:
      throw new StructureError(slot, `lddw with src ${insn.src} (BTF ids, map indexes by fd array) is not supported`);
  }
}

function calleesOf(slots: readonly (Instruction | undefined)[], start: number, end: number): number[] {
  const out: number[] = [];
  for (let s = start; s < end; s++) {
    const insn = slots[s];
    const target = insn && namedFunction(insn, s);
    if (target !== undefined) out.push(target);
  }
  return out;
}

/** successors returns the slots control may pass to within the function (calls continue at the next slot). */
export function successors(insn: Instruction, slot: number): number[] {
  if (insn.opcode === EXIT) return [];
  if (isGoto(insn)) return [jumpTarget(insn, slot)];
  const next = slot + width(insn);
  if (isConditionalJump(insn)) return [next, jumpTarget(insn, slot)];
  return [next];
}

function checkReachable(slots: readonly (Instruction | undefined)[]): void {
  const seen = new Uint8Array(slots.length);
  const work: number[] = [0];
  seen[0] = 1;
  while (work.length) {
    const slot = work.pop()!;
    const insn = slots[slot]!;
    const next = successors(insn, slot);
    const callee = namedFunction(insn, slot);
    if (callee !== undefined) next.push(callee);
    for (const s of next) {
      if (!seen[s]) {
        seen[s] = 1;
        work.push(s);
      }
    }
  }
  slots.forEach((insn, slot) => {
    if (insn && !seen[slot]) throw new StructureError(slot, `unreachable insn ${slot}`);
  });
}

/**
 * checkCallGraph refuses recursion and call chains deeper than MAX_CALL_FRAMES (counting bpf_loop
 * callbacks, which run one frame below the function that names them), as Linux's static
 * check_max_stack_depth does. Iterative, with an explicit stack: a chain of 20,000 calls must get
 * this refusal, not overflow the host's stack.
 */
function checkCallGraph(slots: readonly (Instruction | undefined)[], entries: readonly number[], callees: readonly (readonly number[])[]): void {
  const index = new Map(entries.map((e, f) => [e, f]));
  const callee = (f: number, k: number) => index.get(callees[f]![k]!)!;
  // height[f]: frames in the deepest chain starting at f (0 until known).
  const height = new Int32Array(entries.length);
  const onChain = new Uint8Array(entries.length);
  const chain: number[] = [0];
  const next: number[] = [0];
  onChain[0] = 1;
  while (chain.length) {
    const f = chain[chain.length - 1]!;
    const k = next[next.length - 1]!;
    if (k < callees[f]!.length) {
      next[next.length - 1] = k + 1;
      const g = callee(f, k);
      if (onChain[g]) throw new StructureError(entries[f]!, `recursive call from the function at insn ${entries[f]} to insn ${entries[g]}`);
      if (height[g] === 0) {
        onChain[g] = 1;
        chain.push(g);
        next.push(0);
      }
      continue;
    }
    let h = 1;
    for (let c = 0; c < callees[f]!.length; c++) h = Math.max(h, 1 + height[callee(f, c)]!);
    height[f] = h;
    onChain[f] = 0;
    chain.pop();
    next.pop();
  }
  if (height[0]! <= MAX_CALL_FRAMES) return;
  // Follow a deepest chain to the call that would open frame MAX_CALL_FRAMES + 1.
  let f = 0;
  for (let frames = 1; ; frames++) {
    let k = 0;
    while (height[callee(f, k)] !== height[f]! - 1) k++;
    const g = callee(f, k);
    if (frames === MAX_CALL_FRAMES) {
      const slot = callSlot(slots, entries[f]!, entries[g]!);
      throw new StructureError(slot, `the call stack of ${frames + 1} frames is too deep (the limit is ${MAX_CALL_FRAMES})`);
    }
    f = g;
  }
}

/** callSlot returns the first slot from `start` that calls (or names as a callback) the function at `target`. */
function callSlot(slots: readonly (Instruction | undefined)[], start: number, target: number): number {
  for (let s = start; ; s++) {
    const insn = slots[s];
    if (insn && namedFunction(insn, s) === target) return s;
  }
}
