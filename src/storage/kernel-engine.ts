// The Linux kernel as the hook's third engine: the program and its maps live in the kernel, and each chunk goes through BPF_PROG_TEST_RUN.
import type { ProgramSpec } from '../asm/program.js';
import { KernelUnavailableError, kernelAvailability, loadKernelProgram, testRunChunk, XDP_TEST_RUN_BYTES, type KernelProgram } from '../kernel/bpf.js';
import { UsageError } from '../util/errors.js';
import type { Engine, Executable, RunResult } from '../vm/engine.js';
import type { Runtime } from '../vm/runtime.js';
import { HookContextOffset, HookFlag, OutputBuffer } from './hook-context.js';
import { isOutputBuffer } from './output-drain.js';

/** KERNEL_MAX_CHUNK is the largest chunk the kernel engine runs: what an XDP test run holds in its linear buffer. */
export const KERNEL_MAX_CHUNK = XDP_TEST_RUN_BYTES.maxLinear;

/**
 * kernelEngine loads a hook program into Linux as an XDP program (its maps created in the kernel,
 * Linux's verifier checking it after Sluice's) and runs it once per chunk with BPF_PROG_TEST_RUN
 * (testRunChunk: the program sees exactly the chunk, the empty end-of-file chunk included). After
 * the end-of-file flush call, the kernel maps' contents are copied into the Runtime's maps, where the
 * node reads a tenant's maps from. Where bpf() is refused, loading fails with the reason. What it
 * does not do: count instructions (RunResult.instructions is 0; Linux does not report them) or
 * enforce Sluice's instruction budgets (Linux's verifier bounds the program instead). Programs that
 * read Sluice's context fields beyond struct xdp_md (flags, chunk index, offsets) are refused by
 * Linux's verifier, since XDP has no such fields.
 */
export const kernelEngine: Engine = {
  name: 'kernel',
  load(spec: ProgramSpec, runtime: Runtime): Executable {
    const availability = kernelAvailability();
    if (!availability.ok) throw new KernelUnavailableError(`the kernel engine needs Linux's bpf() system call: ${availability.reason}`);
    for (const map of spec.maps) {
      if (map.type !== 'array' && map.type !== 'hash') {
        throw new UsageError(`--engine kernel reads back array and hash maps; map '${map.name}' is a ${map.type} map`);
      }
    }
    return new KernelExecutable(loadKernelProgram(spec, { type: 'xdp' }), runtime);
  },
};

class KernelExecutable implements Executable {
  /** Index of the program's output buffer (OutputBuffer), which the node drains after every call, or -1. */
  private readonly outputIndex: number;

  constructor(
    private readonly program: KernelProgram,
    private readonly runtime: Runtime,
  ) {
    this.outputIndex = runtime.maps.findIndex((map) => isOutputBuffer(map.spec));
  }

  run(r1: number): RunResult {
    const space = this.runtime.space;
    const data = space.view.getUint32(r1 + HookContextOffset.data, true);
    const dataEnd = space.view.getUint32(r1 + HookContextOffset.dataEnd, true);
    const r0 = testRunChunk(this.program.fd, space.bytes.subarray(data, dataEnd));
    if (space.view.getUint32(r1 + HookContextOffset.flags, true) & HookFlag.EOF_FLUSH) this.readMapsBack();
    else if (this.outputIndex >= 0) this.readOutputBack();
    return { r0: BigInt(r0), instructions: 0 };
  }

  close(): void {
    this.program.close();
  }

  /** readOutputBack copies the output buffer's header and the records this call wrote from the kernel's map. */
  private readOutputBack(): void {
    const kernelMap = this.program.maps[this.outputIndex]!;
    const map = this.runtime.maps[this.outputIndex]!;
    const key = new Uint8Array(4);
    const keyView = new DataView(key.buffer);
    const header = kernelMap.lookup(key)!;
    map.update(key, header);
    const count = Number(new DataView(header.buffer, header.byteOffset).getBigUint64(OutputBuffer.count, true));
    for (let i = 1; i <= Math.min(count, map.spec.maxEntries - 1); i++) {
      keyView.setUint32(0, i, true);
      map.update(key, kernelMap.lookup(key)!);
    }
  }

  /** readMapsBack makes the Runtime's writable maps hold what the kernel's maps hold. */
  private readMapsBack(): void {
    this.program.maps.forEach((kernelMap, index) => {
      const map = this.runtime.maps[index]!;
      if (map.spec.readOnly) return;
      map.clear();
      for (const [key, value] of kernelMap.entries()) map.update(key, value);
    });
  }
}
