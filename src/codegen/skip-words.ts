// Skipping an unused text field eight bytes at a time: a load and a few ALU steps per word, and no branch per byte.
import { R0, R1, R2, R4, R5 } from '../asm/builder.js';
import type { Emitter, Label, Register } from './emitter.js';

/*
 * A byte-at-a-time skip takes a branch per byte, and in text the spaces take it the other way at places
 * no predictor learns. Here each word of eight bytes is tested for stop bytes (the delimiter, and bytes
 * up to CR: line breaks and other control bytes) with SWAR arithmetic on 7-bit lanes, so no carry
 * crosses a byte: for a lane b, ((b & 0x7f) ^ c) + 0x7f has bit 7 set unless b & 0x7f == c, and
 * (b & 0x7f) + 0x72 has bit 7 set unless b & 0x7f < 0x0e; or-ing b itself keeps bytes from 0x80 up
 * content. The first word with a stop byte ends the field: its lowest stop lane is isolated (m & -m),
 * checked to be the terminator, and turned into its index by one multiplication (the lane's bit times
 * 0x0102030405060708 puts index + 1 in the top byte). A quote opens a field only at its first byte, as
 * in the byte scan; a quote inside is content.
 */

/** LANES_LOW7 has the low seven bits of every byte set. */
const LANES_LOW7 = 0x7f7f7f7f7f7f7f7fn;
/** LANES_HIGH has bit 7 of every byte set. */
const LANES_HIGH = 0x8080808080808080n;
/** LANES_INDEX: a lane's bit 0 times this has the lane's index plus one in the top byte. */
const LANES_INDEX = 0x0102030405060708n;
/** FIRST_CONTENT: bytes below it (line breaks, CR, other control bytes) stop the skip. */
const FIRST_CONTENT = 0x0e;
const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** WORD_BYTES is the width of one load. */
export const WORD_BYTES = 8;

/** WordSkip describes one unused text field to skip. */
export interface WordSkip {
  /** Words read at most: the caller has checked `words * WORD_BYTES` bytes from the field's first byte against data_end. */
  readonly words: number;
  readonly delimiter: number;
  /** In CSV a quote at the field's first byte goes to `bail` (the byte scan reads quoted fields). */
  readonly csv: boolean;
  /** The field is the row's last: the line break ends it, and a delimiter goes to `bail` (a field too many). */
  readonly endsRow: boolean;
  /** Pointer to the field's first byte. */
  readonly field: Register;
  /** The field's first byte's position in the chunk; moved past the terminator before the jump to `end`. */
  readonly cursor: Register;
  readonly bail: Label;
  readonly end: Label;
}

/** lanes is `byte` repeated in every byte of a 64-bit word, as the signed value an lddw takes. */
function lanes(byte: number): bigint {
  return BigInt.asIntN(64, BigInt(byte) * 0x0101010101010101n);
}

/**
 * emitWordSkip skips the field: it moves the cursor past the field's terminator and jumps to `end`, or
 * jumps to `bail` (a quote at the first byte, a control byte or wrong terminator first, or no stop byte
 * in `words` words). Uses r0, r1, r2, r4 and r5; leaves every other register as it was.
 */
export function emitWordSkip(e: Emitter, skip: WordSkip): void {
  const terminator = skip.endsRow ? NEWLINE : skip.delimiter;
  const [word, low7, delimiterLanes, work, high] = [R0, R1, R2, R4, R5];
  if (skip.csv) {
    e.load('B', work, skip.field, 0);
    e.jumpImm('JEQ', work, QUOTE, skip.bail);
  }
  const found = Array.from({ length: skip.words }, () => e.label('word_stop'));
  for (let w = 0; w < skip.words; w++) {
    e.comment(`word ${w}: any delimiter or control byte?`);
    e.load('DW', word, skip.field, w * WORD_BYTES);
    e.constant(low7, BigInt.asIntN(64, LANES_LOW7));
    e.aluReg('AND', low7, word);
    e.constant(delimiterLanes, lanes(skip.delimiter));
    e.aluReg('XOR', delimiterLanes, low7);
    e.constant(work, BigInt.asIntN(64, LANES_LOW7));
    e.aluReg('ADD', delimiterLanes, work);
    e.constant(work, lanes(0x80 - FIRST_CONTENT));
    e.aluReg('ADD', work, low7);
    e.aluReg('AND', work, delimiterLanes);
    e.aluReg('OR', work, word);
    e.constant(high, BigInt.asIntN(64, LANES_HIGH));
    e.aluReg('AND', work, high);
    e.jumpReg('JNE', work, high, found[w] as Label);
  }
  e.goto(skip.bail);
  // Word 0's stop (the common case in short fields) falls through to the shared test; the others move the cursor to their word first.
  const stop = e.label('field_stop');
  for (let w = skip.words - 1; w > 0; w--) {
    e.bind(found[w] as Label);
    e.aluImm('ADD', skip.cursor, w * WORD_BYTES);
    e.goto(stop);
  }
  e.bind(found[0] as Label);
  e.bind(stop);
  emitStopFound(e, skip, terminator);
}

/**
 * emitStopFound: a word (its low seven bits in r1, the delimiter test in r2, the stop test and-ed with
 * LANES_HIGH in r4, LANES_HIGH in r5) has a stop byte, and the cursor points at the word; if the first
 * stop byte is the terminator, the cursor moves past it and the field ends.
 */
function emitStopFound(e: Emitter, skip: WordSkip, terminator: number): void {
  const [low7, terminatorTest, stops, first] = [R1, R2, R4, R5];
  e.comment(`the word's first stop byte must be the ${terminator === NEWLINE ? 'line break' : 'delimiter'}; its index from one multiplication`);
  e.aluReg('XOR', stops, first);
  e.movReg(first, stops);
  e.neg(first);
  e.aluReg('AND', first, stops);
  if (terminator !== skip.delimiter) {
    e.constant(terminatorTest, lanes(terminator));
    e.aluReg('XOR', terminatorTest, low7);
    e.constant(stops, BigInt.asIntN(64, LANES_LOW7));
    e.aluReg('ADD', terminatorTest, stops);
  }
  // The first stop byte is below 0x80 (the word's own bit 7 kept the others content), where the 7-bit test is exact.
  e.jumpReg('JSET', terminatorTest, first, skip.bail);
  e.aluImm('RSH', first, 7);
  e.constant(stops, LANES_INDEX);
  e.aluReg('MUL', first, stops);
  e.aluImm('RSH', first, 56);
  e.aluReg('ADD', skip.cursor, first);
  e.goto(skip.end);
}
