// The walk: abstract interpretation along every path, with checkpoints, pruning and a complexity budget.
// Invariants: structure.ts has checked the program's shape (jump targets, prune points, loop heads, call graph) before
// the walk; a checkpoint prunes a state only once no path below it is still being explored (branches === 0), and it
// covers the pruned state (prune.ts), so every state the walk skips is one an explored state already proved safe.
import { type Instruction, lddwValue } from '../asm/instruction.js';
import { CALL, CLASS_MASK, CallSrc, Class, EXIT, MODE_MASK, Mode, OP_MASK, PseudoSrc, FRAME_POINTER, JmpOp, sizeBytes } from '../asm/opcodes.js';
import { access } from './access.js';
import { aluStep } from './alu.js';
import { conditionalJump } from './branch.js';
import { helperCall } from './calls.js';
import { type Env, Refusal, refuse } from './env.js';
import { VerifierError } from './errors.js';
import { formatInstruction } from '../asm/disassembler.js';
import { ANY_KEY, checkpointFrames, constantsKey, covers, stateKey } from './prune.js';
import { noteProvenRegion } from './proven.js';
import { scalarConst } from './scalar.js';
import { type Frame, type Reg, type State, pointerReg, scalarReg, stateText } from './state.js';
import { jumpTarget } from '../asm/control.js';
import { LOOP_HEAD } from './structure.js';
import { store } from './store.js';
import { callLocal, exitFrame } from './subprograms.js';
import { verifyCallback } from './callback.js';

/** WalkOptions bound the walk and choose how much it logs. */
export interface WalkOptions {
  readonly complexityLimit: number;
  readonly logLevel: 0 | 1 | 2;
}

/**
 * Checkpoint is an explored state kept for pruning at its slot (its frames, trimmed by
 * checkpointFrames), and a link of the chain of paths: `branches` counts the paths below it still
 * being explored; a path that ends decrements its checkpoint's count, and the parent's when it
 * reaches 0. One object for both, since thousands stay until the walk ends and each object they
 * hold costs the garbage collector; a checkpoint evicted from its slot's lists drops its frames at
 * once, even while paths below it still hold the chain (on a long loop they hold all of it).
 */
interface Checkpoint {
  readonly parent: Checkpoint | undefined;
  branches: number;
  frames: readonly Frame[];
  hits: number;
  misses: number;
}

/** EVICTED is an evicted checkpoint's frames. */
const EVICTED: readonly Frame[] = [];

/**
 * SlotCheckpoints files a slot's checkpoints by what a covered state must share with them
 * (prune.ts): `byKey` by stateKey (ANY_KEY: covers states of any key), `byConstants` by
 * constantsKey for checkpoints whose needed scalars are all constants. A state is compared only
 * with the lists it can match, newest first, so checkpoints of other loop iterations are neither
 * compared nor charged a miss (and so evicted) while the deepest path runs on.
 */
interface SlotCheckpoints {
  readonly byKey: Map<number, Checkpoint[]>;
  readonly byConstants: Map<number, Checkpoint[]>;
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
    const visited: (SlotCheckpoints | undefined)[] = new Array(this.env.structure.slots.length);
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

  private walkPath(cur: State, parent: Checkpoint | undefined, visited: (SlotCheckpoints | undefined)[], pending: Pending[], exits?: State[]): void {
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
  private visit(cur: State, parent: Checkpoint | undefined, visited: (SlotCheckpoints | undefined)[], keep: boolean): Checkpoint | typeof PRUNED | undefined {
    const slot = cur.insn;
    let lists = visited[slot];
    if (!lists) visited[slot] = lists = { byKey: new Map(), byConstants: new Map() };
    const key = stateKey(this.env, cur);
    const constants = key === ANY_KEY ? undefined : constantsKey(this.env, cur, key);
    const exact = constants === undefined ? undefined : lists.byConstants.get(constants);
    const same = lists.byKey.get(key);
    const any = key === ANY_KEY ? undefined : lists.byKey.get(ANY_KEY);
    const found = (exact && this.search(exact, cur)) || (same && this.search(same, cur)) || (any && this.search(any, cur));
    if (found) {
      if (this.options.logLevel > 0) this.say(`${slot}: safe (pruned)`);
      return PRUNED;
    }
    if (!keep) return undefined;
    const cp: Checkpoint = { parent, branches: 1, frames: checkpointFrames(this.env, cur), hits: 0, misses: 0 };
    if (constants !== undefined) fileUnder(lists.byConstants, constants, cp);
    else fileUnder(lists.byKey, key, cp);
    this.states++;
    if (++this.stored > this.peakStates) this.peakStates = this.stored;
    return cp;
  }

  /**
   * search looks through one list of checkpoints, newest first, for one that covers `cur` and
   * prunes it; it refuses a state that repeats an ancestor on its own path, and evicts checkpoints
   * that keep failing to cover (Linux's rule: more than three misses per hit, plus three).
   */
  private search(list: Checkpoint[], cur: State): boolean {
    for (let i = list.length - 1; i >= 0; i--) {
      const cp = list[i]!;
      if (covers(this.env, cur.insn, cp.frames, cur.frames)) {
        if (cp.branches === 0) {
          cp.hits++;
          return true;
        }
        // cp is an ancestor on this path (a loop). Like Linux, never prune against it: only a state
        // equal to it (each covers the other) repeats forever; a narrower one is walked on.
        if (covers(this.env, cur.insn, cur.frames, cp.frames)) {
          throw this.refusal(cur, cur.insn, `infinite loop detected at insn ${cur.insn}: the state repeats without progress`);
        }
      }
      if (++cp.misses > cp.hits * 3 + 3) {
        // Shifted by hand: splice allocates an array of the removed element on every eviction.
        for (let j = i; j < list.length - 1; j++) list[j] = list[j + 1]!;
        list.pop();
        cp.frames = EVICTED;
        this.stored--;
      }
    }
    return false;
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
        if (insn.dst === FRAME_POINTER) refuse('frame pointer is read only');
        regs[insn.dst] = constantLoad(insn, slot);
        cur.insn = slot + 2;
        return 'next';
      case Class.LDX: {
        if (insn.dst === FRAME_POINTER) refuse('frame pointer is read only');
        const signed = (insn.opcode & MODE_MASK) === Mode.MEMSX;
        const base = regs[insn.src]!;
        regs[insn.dst] = access(this.env, cur, { kind: 'read', baseNo: insn.src, off: insn.offset, size: sizeBytes(insn.opcode), signed });
        noteProvenRegion(this.env.proven, this.env.provenOrder, slot, base);
        cur.insn = slot + 1;
        return 'next';
      }
      case Class.ST:
      case Class.STX: {
        const base = regs[insn.dst]!;
        store(this.env, cur, insn, cls);
        noteProvenRegion(this.env.proven, this.env.provenOrder, slot, base);
        cur.insn = slot + 1;
        return 'next';
      }
      default:
        return this.jump(cur, insn, slot, exits, fork);
    }
  }

  private jump(cur: State, insn: Instruction, slot: number, exits: State[] | undefined, fork: (taken: State) => void): 'next' | 'end' {
    const op = insn.opcode & OP_MASK;
    if (op === JmpOp.JA) {
      cur.insn = jumpTarget(insn, slot);
      return 'next';
    }
    if (insn.opcode === EXIT) return exitFrame(this.env, cur, exits);
    if (insn.opcode === CALL) {
      if (insn.src === CallSrc.LOCAL) callLocal(cur, slot + insn.imm + 1, slot + 1);
      else {
        helperCall(this.env, cur, insn.imm, (state, entry, context) => this.walkCallback(state, entry, context));
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
        fork({ insn: cur.insn, frames: cur.frames, nextId: cur.nextId });
        Object.assign(cur, fall);
      }
      return 'next';
    }
    const only = fall ?? taken;
    if (only && only !== cur) Object.assign(cur, only);
    return only ? 'next' : 'end';
  }

  /** walkCallback verifies a bpf_loop callback (callback.ts), walking each round with this walker. */
  private walkCallback(cur: State, entry: number, context: Reg): void {
    verifyCallback(cur, entry, context, (start, exits, round) => {
      if (this.options.logLevel > 0) this.say(`callback at insn ${entry} (round ${round + 1}):`);
      this.explore(start, exits);
    });
  }
}

/** fileUnder appends a checkpoint to the list kept under `key`. */
function fileUnder(lists: Map<number, Checkpoint[]>, key: number, cp: Checkpoint): void {
  const list = lists.get(key);
  if (list) list.push(cp);
  else lists.set(key, [cp]);
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
