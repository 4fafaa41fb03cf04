// The program store as the keeper of queries' emitted programs (codegen's ProgramMemo): a repeated query skips code generation.
import { specFromRecord, specToRecord } from '../asm/spec-record.js';
import type { ProgramMemo } from '../codegen/program-memo.js';
import type { ProgramStore } from '../storage/program-store.js';

/**
 * emittedPrograms keeps programs in `store` as 'program' records (signed like every record, so only
 * this user's Sluice of this build wrote what it reads). A record it cannot read is a miss.
 */
export function emittedPrograms(store: ProgramStore): ProgramMemo {
  return {
    get(key) {
      const bytes = store.get('program', key);
      if (bytes === undefined) return undefined;
      try {
        return specFromRecord(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
      } catch {
        return undefined;
      }
    },
    put(key, spec) {
      const text = specToRecord(spec);
      if (text !== undefined) store.put('program', key, Buffer.from(text, 'utf8'));
    },
  };
}
