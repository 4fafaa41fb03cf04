// Audit mode: at each access the verifier proved, check the address lies in the region it was proven for, then run it fully checked.
import { bySlot, type Instruction } from '../asm/instruction.js';
import { CLASS_MASK, Class, MODE_MASK, Mode, sizeBytes } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import type { ProvenRegion } from './engine.js';
import { Code } from './codes.js';
import { VmError } from './errors.js';
import { FRAME_SIZE, STACK_TOP } from './memory.js';
import { atomic } from './interpreter-ops.js';
import type { Runtime } from './runtime.js';

/** AuditViolation: an access the verifier proved inside a region landed elsewhere (an unsound verdict). */
export class AuditViolation extends VmError {
  override name = 'AuditViolation';
}

/**
 * Auditor serves the interpreter's audit mode: the decoder gives every proven access the
 * AUDITED code, and the interpreter hands those slots to `access`, which checks the proof
 * against the address the access really uses and then performs it with every check kept.
 * Slots the verifier never walked get the UNWALKED code: running one is a violation too
 * (a branch the verifier decided one way went the other way).
 */
export class Auditor {
  private readonly insns: (Instruction | undefined)[];

  constructor(
    spec: ProgramSpec,
    private readonly runtime: Runtime,
    private readonly regions: ReadonlyMap<number, readonly ProvenRegion[]>,
    private readonly walked: Uint8Array | undefined,
  ) {
    this.insns = bySlot(spec.insns);
  }

  /** code is the decoded code audit mode gives `slot`: AUDITED for proven accesses, UNWALKED for slots the walk never reached. */
  code(slot: number): number | undefined {
    if (this.walked && this.walked[slot] === 0) return Code.UNWALKED;
    return this.regions.has(slot) ? Code.AUDITED : undefined;
  }

  /** unwalked reports that `slot`, which the verifier never reached, is about to run. */
  unwalked(slot: number): never {
    throw new AuditViolation(slot, 'the instruction runs, but the verifier never walked it');
  }

  /** access audits and runs the load, store or atomic at `slot`, in call depth `depth`, on register file R. */
  access(R: Int32Array, slot: number, depth: number): void {
    const insn = this.insns[slot]!;
    const cls = insn.opcode & CLASS_MASK;
    const size = sizeBytes(insn.opcode);
    const base = 2 * (cls === Class.LDX ? insn.src : insn.dst);
    const low = (R[base] as number) + insn.offset;
    const high = R[base + 1] as number;
    this.audit(slot, high * 2 ** 32 + low, size, depth);
    const runtime = this.runtime;
    const dv = runtime.space.view;
    if (cls === Class.LDX) {
      runtime.checkRead(low, high, size, slot);
      const signed = (insn.opcode & MODE_MASK) === Mode.MEMSX;
      const d = 2 * insn.dst;
      let value: number;
      if (size === 8) {
        R[d] = dv.getInt32(low, true);
        R[d + 1] = dv.getInt32(low + 4, true);
        return;
      }
      if (size === 4) value = signed ? dv.getInt32(low, true) : dv.getUint32(low, true);
      else if (size === 2) value = signed ? dv.getInt16(low, true) : dv.getUint16(low, true);
      else value = signed ? dv.getInt8(low) : dv.getUint8(low);
      R[d] = value | 0;
      R[d + 1] = signed ? value >> 31 : 0;
      return;
    }
    if ((insn.opcode & MODE_MASK) === Mode.ATOMIC) {
      atomic(runtime, R, slot, size === 8, base, 2 * insn.src, insn.offset, insn.imm);
      return;
    }
    runtime.checkWrite(low, high, size, slot);
    const fromReg = cls === Class.STX;
    const lo = fromReg ? (R[2 * insn.src] as number) : insn.imm;
    const hi = fromReg ? (R[2 * insn.src + 1] as number) : insn.imm >> 31;
    if (size === 8) {
      dv.setInt32(low, lo, true);
      dv.setInt32(low + 4, hi, true);
    } else if (size === 4) dv.setInt32(low, lo, true);
    else if (size === 2) dv.setInt16(low, lo, true);
    else dv.setInt8(low, lo);
  }

  /** audit throws AuditViolation unless [address, address + size) lies inside one of the slot's proven regions. */
  private audit(slot: number, address: number, size: number, depth: number): void {
    const proven = this.regions.get(slot)!;
    for (const region of proven) if (this.inside(region, address, size, depth)) return;
    const where = address >= 0 ? `0x${address.toString(16)}` : `-0x${(-address).toString(16)}`;
    throw new AuditViolation(slot, `access of ${size} bytes at ${where} lies outside the region the verifier proved (${proven.map(regionText).join(' or ')})`);
  }

  private inside(region: ProvenRegion, address: number, size: number, depth: number): boolean {
    const space = this.runtime.space;
    switch (region.kind) {
      case 'stack': {
        const top = STACK_TOP - region.frame * FRAME_SIZE;
        return region.frame <= depth && address >= top - FRAME_SIZE && address + size <= top;
      }
      case 'context':
        return address >= space.context.start && address + size <= space.context.end;
      case 'input':
        return address >= space.input.start && address + size <= space.input.end;
      case 'map': {
        const map = this.runtime.maps[region.map];
        if (!map || address < map.region.start || address + size > map.region.end) return false;
        const within = (address - map.region.start) % map.stride;
        return within + size <= map.spec.valueSize;
      }
    }
  }
}

function regionText(region: ProvenRegion): string {
  switch (region.kind) {
    case 'stack':
      return `stack frame ${region.frame}`;
    case 'map':
      return `a value of map #${region.map}`;
    default:
      return region.kind;
  }
}
