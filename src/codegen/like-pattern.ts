// LIKE with '_' and '%' anywhere: a bounded, loop-free leftmost matcher over a captured string (values/like.ts semantics).
import { R0, R1, R2, R3, R4, R5 } from '../asm/builder.js';
import type { SourcePosition } from '../sql/errors.js';
import { UNDERSCORE } from '../values/like.js';
import type { Label } from './emitter.js';
import { REG, unsupported, type Gen } from './context.js';
import { formatCount } from '../util/count.js';
import { emitContinuationRun } from './utf8.js';

/**
 * StringSlot is a string the program holds in its state map value: a length word at `offset` and up to
 * `width` bytes at `bytes`, zero past the length up to `width` + MAX_CONTINUATION_BYTES (see ColumnSlot.bytes).
 */
export interface StringSlot {
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
  readonly width: number;
}

/**
 * MAX_LIKE_INSNS bounds the code of one LIKE (start positions tried times the code of one attempt, see likeCode).
 * The row's code is emitted twice (row fast path and byte scan) and Linux's verifier walks each copy several
 * times (once per way the scanner reaches it, about 20 instructions processed per instruction emitted), so
 * this keeps a LIKE at about a third of its million processed instructions.
 */
export const MAX_LIKE_INSNS = 8_192;

/**
 * Why leftmost is exact. A segment (literal bytes and '_') matched from start q ends at a position e(q)
 * that does not decrease with q: a literal moves one byte, and '_' from x ends at the end of the run of at most
 * three continuation bytes after x, which is the same end or a later one from any later x. So among the
 * starts at or after p, the leftmost that matches ends first, and leaves every later segment the most room:
 * each middle segment takes its leftmost match. The first segment is anchored at 0; the last must end at the
 * string's end: at len - L when it has no '_' (length L), else the first start at or after p whose match
 * ends there.
 *
 * Verifier shape: no loops. Each start position is straight-line code; a position lives in a register
 * only within one attempt, and between attempts and segments in a state temp, so every miss and every
 * match of an attempt meets the others in one state (the registers are dead where they meet), and each
 * load's offset is bounded by an immediate comparison first. A '_' advances by a branch-free count.
 */
export function emitLikePattern(g: Gen, slot: StringSlot, segments: readonly Uint8Array[], miss: Label, depth: number, at: SourcePosition | undefined): void {
  const { e, layout } = g;
  if (depth >= layout.tempCount) throw unsupported(g, 'a LIKE nested this deep in an expression', at);
  const size = likeCode(segments, slot.width);
  if (size > MAX_LIKE_INSNS) {
    throw unsupported(g, `this LIKE pattern on ${slot.name} (up to ${slot.width} bytes): it compiles to about ${formatCount(size)} instructions (start positions tried times the code of one attempt), more than ${formatCount(MAX_LIKE_INSNS)}; use fewer '_' or fewer '%'-separated parts`, at);
  }
  const position = layout.temps + depth * 8;
  emitLength(g, slot, miss);
  const first = segments[0] as Uint8Array;
  const last = segments[segments.length - 1] as Uint8Array;
  e.movImm(R2, 0);
  emitSegment(g, slot, first, miss);
  if (segments.length === 1) {
    e.jumpReg('JNE', R2, R1, miss);
    return;
  }
  e.store('DW', REG.state, position, R2);
  for (const middle of segments.slice(1, -1)) emitSearch(g, slot, middle, position, miss, false);
  if (last.length === 0) return;
  if (last.includes(UNDERSCORE)) {
    emitSearch(g, slot, last, position, miss, true);
    return;
  }
  // A last segment of literal bytes starts at len - L, which must not come before the previous segment's end.
  emitLength(g, slot, miss);
  e.jumpImm('JLT', R1, last.length, miss);
  e.movReg(R2, R1);
  e.aluImm('SUB', R2, last.length);
  e.load('DW', R4, REG.state, position);
  e.jumpReg('JGT', R4, R2, miss);
  emitSegment(g, slot, last, miss);
}

/**
 * emitLength loads the string's length into r1, at most the width (a longer one was stopped before). It is
 * loaded afresh for each attempt: comparisons with r2 narrow r1's bounds differently on each path, and a
 * fresh r1 lets all the paths that reach the next attempt meet in one verifier state.
 */
function emitLength(g: Gen, slot: StringSlot, miss: Label): void {
  g.e.load('DW', R1, REG.state, slot.offset);
  g.e.jumpImm('JGT', R1, slot.width, miss);
}

/** likeCode estimates a pattern's instructions: each searched segment's code once per start it may try. */
export function likeCode(segments: readonly Uint8Array[], width: number): number {
  const last = segments[segments.length - 1] as Uint8Array;
  let size = 0;
  segments.forEach((segment, i) => {
    const searched = i > 0 && (i < segments.length - 1 || last.includes(UNDERSCORE));
    const starts = searched ? Math.max(0, width - segment.length + 1) : 1;
    size += starts * segmentCode(segment);
  });
  return size;
}

/** segmentCode is about the instructions of one attempt at `segment`: 10 to start, 7 per run of literal bytes and 2 per byte, 24 per '_'. */
function segmentCode(segment: Uint8Array): number {
  let size = 10;
  segment.forEach((byte, i) => {
    if (byte === UNDERSCORE) size += 24;
    else size += 2 + (i === 0 || segment[i - 1] === UNDERSCORE ? 7 : 0);
  });
  return size;
}

/**
 * emitSearch finds the leftmost start, at or after the position in `position`, where `segment` matches, and
 * stores its end there; with `atEnd` only a match ending at the string's end (r1) counts. Jumps to `miss` if none.
 */
function emitSearch(g: Gen, slot: StringSlot, segment: Uint8Array, position: number, miss: Label, atEnd: boolean): void {
  const { e } = g;
  const found = e.label('like_found');
  const starts = slot.width - segment.length + 1;
  for (let offset = 0; offset < starts; offset++) {
    const next = e.label('like_next_start');
    emitLength(g, slot, miss);
    e.load('DW', R2, REG.state, position);
    if (offset > 0) e.aluImm('ADD', R2, offset);
    // Past len - (segment bytes) no later start can match either.
    e.movReg(R4, R2);
    e.aluImm('ADD', R4, segment.length);
    e.jumpReg('JGT', R4, R1, miss);
    emitSegment(g, slot, segment, next);
    if (atEnd) e.jumpReg('JNE', R2, R1, next);
    e.store('DW', REG.state, position, R2);
    e.goto(found);
    e.bind(next);
  }
  e.goto(miss);
  e.bind(found);
}

/**
 * emitSegment matches `segment` at the position in r2 (r1 holds the length, at most the width) and leaves
 * its end in r2, or jumps to `miss`. Runs of literal bytes are one bounds test and a load per byte; each '_'
 * takes one character. Uses r0, r3..r5.
 */
function emitSegment(g: Gen, slot: StringSlot, segment: Uint8Array, miss: Label): void {
  const { e } = g;
  let i = 0;
  while (i < segment.length) {
    if (segment[i] === UNDERSCORE) {
      emitAnyCharacter(g, slot, miss);
      i++;
      continue;
    }
    let end = i;
    while (end < segment.length && segment[end] !== UNDERSCORE) end++;
    const run = segment.subarray(i, end);
    if (run.length > slot.width) {
      e.goto(miss);
      return;
    }
    e.movReg(R4, R2);
    e.aluImm('ADD', R4, run.length);
    e.jumpReg('JGT', R4, R1, miss);
    e.jumpImm('JGT', R2, slot.width - run.length, miss);
    e.movReg(R3, REG.state);
    e.aluReg('ADD', R3, R2);
    run.forEach((byte, j) => {
      e.load('B', R0, R3, slot.bytes + j);
      e.jumpImm('JNE', R0, byte, miss);
    });
    e.aluImm('ADD', R2, run.length);
    i = end;
  }
}

/**
 * emitAnyCharacter is '_': one byte at r2 (which must be before the end), then each continuation byte right
 * after it, at most MAX_CONTINUATION_BYTES, counted without branches (r5 stays 1 while they continue). Bytes
 * past the length are zero, which is no continuation byte, so the count needs no length test.
 */
function emitAnyCharacter(g: Gen, slot: StringSlot, miss: Label): void {
  const { e } = g;
  e.jumpReg('JGE', R2, R1, miss);
  e.jumpImm('JGT', R2, slot.width - 1, miss);
  e.movReg(R3, REG.state);
  e.aluReg('ADD', R3, R2);
  e.aluImm('ADD', R2, 1);
  e.movImm(R5, 1);
  emitContinuationRun(g, slot.bytes + 1);
}
