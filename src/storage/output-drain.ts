// The storage node's side of the output-buffer contract (OutputBuffer): copies a program's records out after every hook call.
import type { MapSpec } from '../asm/program.js';
import type { BpfMap } from '../vm/maps.js';
import { OutputBuffer } from './hook-context.js';

/** isOutputBuffer says whether a map follows the output-buffer contract by its name and shape. */
export function isOutputBuffer(spec: MapSpec): boolean {
  return spec.name === OutputBuffer.mapName && spec.type === 'array' && spec.keySize === 4 && spec.valueSize >= OutputBuffer.programWords;
}

/** OutputDrain collects the records a tenant's program wrote into its output buffer, call after call. */
export class OutputDrain {
  /** Records in the order the program wrote them. */
  readonly records: Uint8Array[] = [];
  /** Bytes of the records collected. */
  bytes = 0;
  /** True once the program set the header's done word: the node reads no more of the file. */
  done = false;
  private readonly key = new Uint8Array(4);
  private readonly keyView = new DataView(this.key.buffer);

  constructor(private readonly map: BpfMap) {}

  /** drain copies the records of the last call (entries 1..count) and reads the done word. */
  drain(): void {
    const header = this.entry(0);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const count = Math.min(Number(view.getBigUint64(OutputBuffer.count, true)), this.map.spec.maxEntries - 1);
    for (let i = 1; i <= count; i++) {
      const record = this.entry(i).slice();
      this.records.push(record);
      this.bytes += record.length;
    }
    if (view.getBigUint64(OutputBuffer.done, true) !== 0n) this.done = true;
  }

  /** entries are the records as the map's contents in a result message: u32 sequence number keys, in order. */
  entries(): [Uint8Array, Uint8Array][] {
    return this.records.map((record, i) => {
      const key = new Uint8Array(4);
      new DataView(key.buffer).setUint32(0, i, true);
      return [key, record];
    });
  }

  private entry(index: number): Uint8Array {
    this.keyView.setUint32(0, index, true);
    return this.map.valueBytes(this.key) as Uint8Array;
  }
}
