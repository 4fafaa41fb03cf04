// The walk: abstract interpretation along every path, with checkpoints, pruning and a complexity budget.
import { type Instruction, lddwValue } from '../asm/instruction.js';
import { AtomicOp, CALL, CLASS_MASK, CallSrc, Class, EXIT, MODE_MASK, Mode, OP_MASK, PseudoSrc, R10, JmpOp, sizeBytes } from '../asm/opcodes.js';
import { access, sizedScalar } from './access.js';
import { aluStep } from './alu.js';
import { conditionalJump } from './branch.js';
import { helperCall } from './calls.js';
import { type Env, Refusal, refuse } from './env.js';
import { VerifierError } from './errors.js';
import { formatInstruction } from '../asm/disassembler.js';
import { ANY_KEY, covers, stateKey } from './prune.js';
import { noteProvenRegion } from './proven.js';
import { forgetStack, mergeStack } from './merge.js';
import { scalarConst } from './scalar.js';
import {
  NOT_INIT,
  type Reg,
  type State,
  copyState,
  isPointer,
  newFrame,
  pointerReg,
  regText,
  UNKNOWN_SCALAR,
  scalarReg,
  stateText,
} from './state.js';
import { jumpTarget } from '../asm/control.js';
import { LOOP_HEAD, MAX_CALL_FRAMES } from './structure.js';

/** WalkOptions bound the walk and choose how much it logs. */
export interface WalkOptions {
  readonly complexityLimit: number;
  readonly logLevel: 0 | 1 | 2;
}

/** Checkpoint is an explored state kept for pruning; `branches` counts paths below it still being explored. */
interface Checkpoint {
  readonly state: State;
  /** stateKey of the state: only states with the same key (or ANY_KEY) can be covered by it. */
  readonly key: number;
  readonly parent: Checkpoint | undefined;
  branches: number;
  hits: number;
  misses: number;
}

interface Pending {
  readonly state: State;
  readonly parent: Checkpoint | undefined;
}

/** PRUNED is visit's answer when the state is covered by an explored one. */
const PRUNED = 'pruned';
/**
 * CHECKPOINT_SPACING: outside loop heads a checkpoint is kept only after this many instructions
 * since the last one on the path (Linux uses a similar rule); pruning is still tried everywhere.
 */
const CHECKPOINT_SPACING = 8;
/** RECENT is how many of the last steps a refusal quotes when the full log is off. */
const RECENT = 48;
/** MAX_LOG_LINES caps the level-2 log so a huge walk cannot exhaust memory. */
const MAX_LOG_LINES = 200_000;
/** CALLBACK_ROUNDS is how often a callback is re-verified with a merged stack before the stack is forgotten. */
const CALLBACK_ROUNDS = 3;

/** Walker explores a program's paths; one Walker serves the main program and its callbacks. */
export class Walker {
  processed = 0;
  states = 0;
  peakStates = 0;
  private stored = 0;
  private readonly lines: string[] = [];
  private readonly recent = new Int32Array(RECENT);
  private recentCount = 0;

  constructor(
    private readonly env: Env,
    private readonly options: WalkOptions,
  ) {}

  /** log returns the walk's log text (level 1 or 2), or the last steps of the current path. */
  logText(): string {
    if (this.lines.length) return this.lines.join('\n');
    const slots = this.env.structure.slots;
    const out: string[] = [];
    const count = Math.min(this.recentCount, RECENT);
    for (let i = this.recentCount - count; i < this.recentCount; i++) {
      const slot = this.recent[i % RECENT]!;
      out.push(slot < 0 ? `from branch to ${-slot - 1}:` : `${slot}: ${formatInstruction(slots[slot]!, slot, this.env.spec)}`);
    }
    return out.join('\n');
  }

  /** explore walks every path from `initial`. With `exits`, a callback frame's exit ends its path and is collected. */
  explore(initial: State, exits?: State[]): void {
    const visited: (Checkpoint[] | undefined)[] = new Array(this.env.structure.slots.length);
    const pending: Pending[] = [];
    let next: Pending | undefined = { state: initial, parent: undefined };
    while (next) {
      this.walkPath(next.state, next.parent, visited, pending, exits);
      next = pending.pop();
      if (next) {
        this.stored--;
        this.remember(-next.state.insn - 1);
        if (this.options.logLevel > 0) this.say(`from branch to ${next.state.insn}: ${stateText(next.state, this.env.spec.maps)}`);
      }
    }
  }

  private say(line: string): void {
    if (this.lines.length < MAX_LOG_LINES) this.lines.push(line);
    else if (this.lines.length === MAX_LOG_LINES) this.lines.push('... log truncated');
  }

  private remember(slot: number): void {
    this.recent[this.recentCount++ % RECENT] = slot;
  }

  private walkPath(cur: State, parent: Checkpoint | undefined, visited: (Checkpoint[] | undefined)[], pending: Pending[], exits?: State[]): void {
    const { structure } = this.env;
    let sinceCheckpoint = CHECKPOINT_SPACING;
    // One closure per path, not per instruction: it reads `parent` as the path moves on.
    const fork = (taken: State): void => {
      pending.push({ state: taken, parent });
      if (parent) parent.branches++;
      this.stored++;
      if (this.stored > this.peakStates) this.peakStates = this.stored;
    };
    for (;;) {
      const slot = cur.insn;
      const point = structure.prunePoint[slot]!;
      if (point) {
        const keep = point === LOOP_HEAD || sinceCheckpoint >= CHECKPOINT_SPACING;
        const cp = this.visit(cur, parent, visited, keep);
        if (cp === PRUNED) return endPath(parent);
        if (cp) {
          parent = cp;
          sinceCheckpoint = 0;
        }
      }
      sinceCheckpoint++;
      if (++this.processed > this.options.complexityLimit) {
        throw this.refusal(cur, slot, `BPF program is too complex: more than ${this.options.complexityLimit} instructions processed (a loop may not be bounded)`);
      }
      this.remember(slot);
      this.env.walked[slot] = 1;
      const insn = structure.slots[slot]!;
      let outcome: 'next' | 'end' = 'next';
      try {
        outcome = this.step(cur, insn, slot, exits, fork);
      } catch (e) {
        if (e instanceof Refusal) throw this.refusal(cur, slot, e.reason);
        throw e;
      }
      if (this.options.logLevel > 0) {
        const line = `${slot}: ${formatInstruction(insn, slot, this.env.spec)}`;
        this.say(this.options.logLevel === 2 ? `${line} ; ${stateText(cur, this.env.spec.maps)}` : line);
      }
      if (outcome === 'end') return endPath(parent);
    }
  }

  /** visit prunes `cur` if an explored state covers it; otherwise keeps a checkpoint of it if `keep`. */
  private visit(cur: State, parent: Checkpoint | undefined, visited: (Checkpoint[] | undefined)[], keep: boolean): Checkpoint | typeof PRUNED | undefined {
    const slot = cur.insn;
    let list = visited[slot];
    if (!list) visited[slot] = list = [];
    const key = stateKey(this.env, cur);
    for (let i = list.length - 1; i >= 0; i--) {
      const cp = list[i]!;
      if ((cp.key === ANY_KEY || cp.key === key) && covers(this.env, cp.state, cur)) {
        if (cp.branches === 0) {
          cp.hits++;
          if (this.options.logLevel > 0) this.say(`${slot}: safe (pruned)`);
          return PRUNED;
        }
        // cp is an ancestor on this path (a loop). Like Linux, never prune against it: only a state
        // equal to it (each covers the other) repeats forever; a narrower one is walked on.
        if (covers(this.env, cur, cp.state)) {
          throw this.refusal(cur, slot, `infinite loop detected at insn ${slot}: the state repeats without progress`);
        }
      }
      if (++cp.misses > cp.hits * 3 + 3) {
        // Shifted by hand: splice allocates an array of the removed element on every eviction.
        for (let j = i; j < list.length - 1; j++) list[j] = list[j + 1]!;
        list.pop();
        this.stored--;
      }
    }
    if (!keep) return undefined;
    const cp: Checkpoint = { state: copyState(cur), key, parent, branches: 1, hits: 0, misses: 0 };
    list.push(cp);
    this.states++;
    if (++this.stored > this.peakStates) this.peakStates = this.stored;
    return cp;
  }

  private refusal(cur: State, slot: number, reason: string): VerifierError {
    const insn = this.env.structure.slots[slot];
    return new VerifierError({
      insn: slot,
      disassembly: insn ? formatInstruction(insn, slot, this.env.spec) : '',
      registers: stateText(cur, this.env.spec.maps),
      reason,
      log: this.logText(),
    });
  }

  /** step executes one instruction on `cur` (moving cur.insn on) and says whether the path goes on. */
  private step(cur: State, insn: Instruction, slot: number, exits: State[] | undefined, fork: (taken: State) => void): 'next' | 'end' {
    const frame = cur.frames[cur.frames.length - 1]!;
    const regs = frame.regs;
    const cls = insn.opcode & CLASS_MASK;
    switch (cls) {
      case Class.ALU:
      case Class.ALU64:
        aluStep(cur, insn);
        cur.insn = slot + 1;
        return 'next';
      case Class.LD:
        if (insn.dst === R10) refuse('frame pointer is read only');
        regs[insn.dst] = constantLoad(insn, slot);
        cur.insn = slot + 2;
        return 'next';
      case Class.LDX: {
        if (insn.dst === R10) refuse('frame pointer is read only');
        const signed = (insn.opcode & MODE_MASK) === Mode.MEMSX;
        const base = regs[insn.src]!;
        regs[insn.dst] = access(this.env, cur, { kind: 'read', baseNo: insn.src, off: insn.offset, size: sizeBytes(insn.opcode), signed });
        this.env.safeAccesses.add(slot);
        noteProvenRegion(this.env.provenRegions, slot, base);
        cur.insn = slot + 1;
        return 'next';
      }
      case Class.ST:
      case Class.STX: {
        const base = regs[insn.dst]!;
        this.store(cur, insn, cls);
        this.env.safeAccesses.add(slot);
        noteProvenRegion(this.env.provenRegions, slot, base);
        cur.insn = slot + 1;
        return 'next';
      }
      default:
        return this.jump(cur, insn, slot, exits, fork);
    }
  }

  private store(cur: State, insn: Instruction, cls: number): void {
    const regs = cur.frames[cur.frames.length - 1]!.regs;
    const size = sizeBytes(insn.opcode);
    if (cls === Class.ST) {
      const value = scalarReg(scalarConst(BigInt(insn.imm)));
      access(this.env, cur, { kind: 'write', baseNo: insn.dst, off: insn.offset, size, signed: false, value });
      return;
    }
    const value = regs[insn.src]!;
    if (value.type === 'not_init') refuse(`R${insn.src} !read_ok`);
    if ((insn.opcode & MODE_MASK) !== Mode.ATOMIC) {
      access(this.env, cur, { kind: 'write', baseNo: insn.dst, off: insn.offset, size, signed: false, value, valueNo: insn.src });
      return;
    }
    if (isPointer(value)) refuse(`R${insn.src} leaks addr into mem`);
    const exchange = insn.imm === AtomicOp.CMPXCHG;
    if (exchange && regs[0]!.type !== 'scalar') refuse(`R0 must be an initialised scalar for cmpxchg (${regText(regs[0]!, this.env.spec.maps)})`);
    access(this.env, cur, { kind: 'atomic', baseNo: insn.dst, off: insn.offset, size, signed: false, value, valueNo: insn.src });
    const fetched = sizedScalar(size, false);
    if (exchange) regs[0] = fetched;
    else if (insn.imm & AtomicOp.FETCH) {
      if (insn.src === R10) refuse('frame pointer is read only');
      regs[insn.src] = fetched;
    }
  }

  private jump(cur: State, insn: Instruction, slot: number, exits: State[] | undefined, fork: (taken: State) => void): 'next' | 'end' {
    const op = insn.opcode & OP_MASK;
    if (op === JmpOp.JA) {
      cur.insn = jumpTarget(insn, slot);
      return 'next';
    }
    if (insn.opcode === EXIT) return this.exit(cur, exits);
    if (insn.opcode === CALL) {
      if (insn.src === CallSrc.LOCAL) this.callLocal(cur, slot + insn.imm + 1, slot + 1);
      else {
        helperCall(this.env, cur, insn.imm, (state, entry, context) => this.verifyCallback(state, entry, context));
        cur.insn = slot + 1;
      }
      return 'next';
    }
    const { fall, taken } = conditionalJump(cur, insn);
    if (taken) taken.insn = jumpTarget(insn, slot);
    if (fall) fall.insn = slot + 1;
    if (fall && taken) {
      if (fall === cur) fork(taken);
      else {
        fork({ ...cur });
        Object.assign(cur, fall);
      }
      return 'next';
    }
    const only = fall ?? taken;
    if (only && only !== cur) Object.assign(cur, only);
    return only ? 'next' : 'end';
  }

  private callLocal(cur: State, target: number, returnTo: number): void {
    if (cur.frames.length >= MAX_CALL_FRAMES) refuse(`the call stack of ${cur.frames.length + 1} frames is too deep (the limit is ${MAX_CALL_FRAMES})`);
    const caller = cur.frames[cur.frames.length - 1]!;
    const frame = newFrame(target, returnTo, false);
    for (let r = 1; r <= 5; r++) frame.regs[r] = caller.regs[r]!;
    frame.regs[R10] = pointerReg('stack', { frame: cur.frames.length });
    cur.frames.push(frame);
    cur.insn = target;
  }

  private exit(cur: State, exits: State[] | undefined): 'next' | 'end' {
    const frame = cur.frames[cur.frames.length - 1]!;
    const r0 = frame.regs[0]!;
    if (r0.type === 'not_init') refuse('R0 !read_ok: r0 must be set before exit');
    if (frame.callback) {
      if (r0.type !== 'scalar' || r0.value.umax > 1n) {
        refuse(`At callback return the register R0 has ${regText(r0, this.env.spec.maps)} should have been in [0, 1]`);
      }
      exits!.push(cur);
      return 'end';
    }
    if (cur.frames.length === 1) {
      if (r0.type !== 'scalar') refuse(`R0 leaks addr as return value (${regText(r0, this.env.spec.maps)})`);
      return 'end';
    }
    if (r0.type !== 'scalar') refuse(`At subprogram exit R0 must be a scalar, not ${regText(r0, this.env.spec.maps)}`);
    cur.frames.pop();
    const caller = cur.frames[cur.frames.length - 1]!;
    caller.regs[0] = r0;
    for (let r = 1; r <= 5; r++) caller.regs[r] = NOT_INIT;
    cur.insn = frame.returnTo;
    return 'next';
  }

  /**
   * verifyCallback verifies a bpf_loop callback on top of `cur`'s frames. The callback may run
   * any number of times and may write the caller's stack through its context pointer, so it is
   * verified again from the merge of the caller's stack before and after it until that merge stops
   * changing; `cur`'s stacks then become the merge.
   */
  private verifyCallback(cur: State, entry: number, context: Reg): void {
    if (cur.frames.length >= MAX_CALL_FRAMES) refuse(`the call stack of ${cur.frames.length + 1} frames is too deep (the limit is ${MAX_CALL_FRAMES})`);
    let base = copyState(cur);
    for (let round = 0; ; round++) {
      const start = copyState(base);
      const frame = newFrame(entry, cur.insn + 1, true);
      // The index is below bpf_loop's 1 << 23 iterations, but Linux gives the callback an unbounded scalar: so does Sluice.
      frame.regs[1] = UNKNOWN_SCALAR;
      frame.regs[2] = context;
      frame.regs[R10] = pointerReg('stack', { frame: start.frames.length });
      start.frames.push(frame);
      start.insn = entry;
      if (this.options.logLevel > 0) this.say(`callback at insn ${entry} (round ${round + 1}):`);
      const exits: State[] = [];
      this.explore(start, exits);
      let changed = false;
      for (const exit of exits) {
        base.nextId = Math.max(base.nextId, exit.nextId);
        base.frames.forEach((f, i) => (changed = mergeStack(f, exit.frames[i]!) || changed));
      }
      if (!changed) break;
      if (round + 1 >= CALLBACK_ROUNDS) base.frames.forEach(forgetStack);
    }
    cur.nextId = base.nextId;
    cur.frames.forEach((f, i) => {
      f.stack = base.frames[i]!.stack;
      f.shared = true;
      base.frames[i]!.shared = true;
    });
  }
}

function endPath(parent: Checkpoint | undefined): void {
  for (let cp = parent; cp; cp = cp.parent) if (--cp.branches > 0) break;
}

function constantLoad(insn: Instruction, slot: number): Reg {
  switch (insn.src) {
    case PseudoSrc.MAP_FD:
      return pointerReg('map_ptr', { map: insn.imm });
    case PseudoSrc.MAP_VALUE:
      return pointerReg('map_value', { map: insn.imm, off: insn.imm2 ?? 0 });
    case PseudoSrc.FUNC:
      return pointerReg('func', { size: slot + insn.imm + 1 });
    default:
      return scalarReg(scalarConst(lddwValue(insn)));
  }
}
