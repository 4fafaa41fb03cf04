// The stack limits in src/asm/limits.ts are the ones the verifier proves against and the engines' memory is laid out by.
import { describe, expect, it } from 'vitest';
import { MAX_CALL_FRAMES, STACK_FRAME_BYTES } from '../../src/asm/limits.js';
import { FRAME_SIZE, MAX_FRAMES, STACK_BASE, STACK_TOP } from '../../src/vm/memory.js';

describe('eBPF stack limits', () => {
  it('are Linux\'s: 512-byte frames, 8 frames deep', () => {
    expect(STACK_FRAME_BYTES).toBe(512);
    expect(MAX_CALL_FRAMES).toBe(8);
  });

  it('fill the engines\' stack region exactly as vm/memory.ts documents it (0x30000 .. 0x30fff)', () => {
    expect([FRAME_SIZE, MAX_FRAMES]).toEqual([STACK_FRAME_BYTES, MAX_CALL_FRAMES]);
    expect([STACK_BASE, STACK_TOP]).toEqual([0x30000, 0x31000]);
  });
});
