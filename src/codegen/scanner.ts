// The scan: a bpf_loop callback that reads a plain row in one go (row-fast.ts) or runs one scan step; a step is a run of unused bytes or digits, or one byte through the CSV state machine.
import { CTX, REG, emitFatal, emitFileOffset, type Gen } from './context.js';
import { R0, R1, R2, R3, R4, R5 } from '../asm/builder.js';
import type { Label, Register } from './emitter.js';
import { emitByteHandler, emitClearStrings, emitFieldReset, emitFinish, emitFirstField, emitQuotesKept, emitRowError } from './fields.js';
import { emitFastRow } from './row-fast.js';
import { EXTRA_KIND, ErrorCode, FatalCode, S } from './layout.js';
import { MAX_LINE_BYTES } from '../sql/plan.js';
import { emitRow } from './row.js';

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
/** Registers of a scan step; REG.ctx, REG.state, REG.byte and REG.index keep their roles. */
const STEP = {
  /** Pointer to the current byte (the chunk's first byte plus REG.index). */
  at: R3,
  /** One past the chunk's last byte (data_end), for bounds checks. */
  dataEnd: R4,
  /** One past the byte about to be read, checked against dataEnd. */
  readEnd: R5,
} as const;

/** Registers of a digit run, loaded from and stored back to the state (REG.byte holds 1 after a decimal point). */
const DIGITS = {
  /** The number accumulated so far. */
  acc: R1,
  /** Digits read so far. */
  count: R2,
  /** Digits read after the decimal point. */
  frac: R5,
} as const;

/** SKIP_BATCH is the most bytes one scan step skips (unused field) or accumulates (digits), unrolled. */
export const SKIP_BATCH = 16;

/**
 * emitScanCallback emits the bpf_loop callback `scan(index, ctx)`: at a row's first byte it tries
 * the row fast path (a whole plain row in straight-line code, see row-fast.ts); otherwise, or when
 * the row is not plain, it runs one scan step. Each call consumes at least one byte or stops (1).
 */
export function emitScanCallback(g: Gen, step: Label, maxChunk: number): void {
  const { e } = g;
  const slow = e.label('byte_scan');
  e.comment('callback(index r1, context r2)');
  e.movReg(REG.ctx, R2);
  e.load('DW', REG.state, REG.ctx, CTX.state);
  emitFastRow(g, slow, maxChunk);
  e.bind(slow);
  e.comment('the byte scan: one step');
  e.movReg(R2, REG.ctx);
  e.callLocal(step);
  e.exit();
}

/**
 * emitStep emits `scan_step(_, ctx)`: from the chunk position kept in the state (bounds
 * checked against data_end spilled in the context, as the Linux verifier requires) it skips up to
 * SKIP_BATCH bytes of an unused field, accumulates up to SKIP_BATCH digits of a number or date, or
 * runs one byte through the parser state machine (quotes, delimiters, line ends, field decoders), and
 * returns 0 to continue or 1 to stop. At the end of a chunk it adds the chunk length to the file
 * offset; called on an empty chunk it flushes a pending row.
 */
export function emitStep(g: Gen, maxChunk: number): void {
  const { e, plan } = g;
  const targets = labels(g);
  const csv = plan.table.format === 'csv';
  const delimiter = plan.table.delimiter.charCodeAt(0);

  const slow = e.label('one_byte');
  const skip = e.label('skip_run');
  e.comment('scan step(context r2): resume at the chunk position kept in the state');
  e.movReg(REG.ctx, R2);
  e.load('DW', REG.state, REG.ctx, CTX.state);
  e.load('DW', REG.index, REG.state, S.pos);
  e.jumpImm('JGT', REG.index, maxChunk, targets.tooLarge);
  e.load('DW', STEP.at, REG.ctx, CTX.data);
  e.load('DW', STEP.dataEnd, REG.ctx, CTX.dataEnd);
  e.aluReg('ADD', STEP.at, REG.index);
  e.comment('outside quotes, runs of unused bytes are skipped and runs of digits accumulated; anything else is one byte');
  const digits = e.label('digit_run');
  if (csv) {
    e.load('DW', R0, REG.state, S.quote);
    e.jumpImm('JNE', R0, 0, slow);
  }
  e.load('DW', R0, REG.state, S.kind);
  if (g.layout.digitKinds > 0) {
    e.jumpImm('JEQ', R0, 0, skip);
    e.jumpImm('JLE', R0, g.layout.digitKinds, digits);
    e.goto(slow);
  } else {
    e.jumpImm('JNE', R0, 0, slow);
  }
  emitSkipRun(g, skip, slow, delimiter);
  if (g.layout.digitKinds > 0) emitDigitRun(g, digits, slow);
  e.bind(slow);
  e.comment('one byte through the state machine');
  e.jumpImm('JGT', REG.index, maxChunk, targets.tooLarge);
  e.load('DW', STEP.at, REG.ctx, CTX.data);
  e.aluReg('ADD', STEP.at, REG.index);
  e.movReg(STEP.readEnd, STEP.at);
  e.aluImm('ADD', STEP.readEnd, 1);
  e.jumpReg('JGT', STEP.readEnd, STEP.dataEnd, targets.chunkEnd);
  e.comment('more bytes than maxChunk: stop with an error rather than leave them unread');
  e.jumpImm('JEQ', REG.index, maxChunk, targets.tooLarge);
  e.load('B', REG.byte, STEP.at, 0);
  e.movReg(R0, REG.index);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.pos, R0);
  if (csv) {
    e.load('DW', R0, REG.state, S.quote);
    e.jumpImm('JNE', R0, 0, targets.quoted);
  }
  e.comment('outside quotes: delimiter, line end, quote, or field content');
  e.jumpImm('JEQ', REG.byte, delimiter, targets.onDelim);
  e.jumpImm('JEQ', REG.byte, NEWLINE, targets.onNewline);
  if (csv) e.jumpImm('JEQ', REG.byte, QUOTE, targets.openQuote);
  e.jumpImm('JEQ', REG.byte, RETURN, targets.carriageReturn);
  e.bind(targets.content);
  e.comment('field content: dispatch on the decoder of the current field (0 = column not used)');
  e.load('DW', R0, REG.state, S.kind);
  e.jumpImm('JEQ', R0, 0, g.next);
  const byteLabels = g.layout.columns.map((slot) => {
    const label = e.label(`byte_${slot.name}`);
    e.jumpImm('JEQ', R0, slot.kind, label);
    return label;
  });
  if (plan.table.trailingDelimiter) e.jumpImm('JEQ', R0, EXTRA_KIND, targets.extraByte);
  e.bind(g.next);
  e.movImm(R0, 0);
  e.exit();
  e.bind(g.stop);
  e.movImm(R0, 1);
  e.exit();
  e.bind(g.eventDone);
  e.load('DW', R0, REG.ctx, CTX.flush);
  e.jumpImm('JNE', R0, 0, g.stop);
  e.goto(g.next);

  g.layout.columns.forEach((slot, i) => {
    e.bind(byteLabels[i] as Label);
    emitByteHandler(g, slot);
  });
  if (plan.table.trailingDelimiter) {
    e.bind(targets.extraByte);
    emitExtraField(g);
    e.goto(g.next);
  }
  e.bind(targets.carriageReturn);
  emitCarriageReturn(g);
  if (csv) emitQuotes(g, targets, delimiter);
  emitChunkEnd(g, targets);
  emitDelimiter(g, targets);
  emitNewline(g, targets);
}

/** emitLoadByte loads the byte at STEP.at into `dst` after checking it against data_end (STEP.dataEnd); past the end it jumps to `end`. Clobbers r0. */
function emitLoadByte(g: Gen, dst: Register, end: Label): void {
  const { e } = g;
  e.movReg(R0, STEP.at);
  e.aluImm('ADD', R0, 1);
  e.jumpReg('JGT', R0, STEP.dataEnd, end);
  e.load('B', dst, STEP.at, 0);
}

/**
 * emitWholeBatch jumps to `partial` unless SKIP_BATCH bytes from STEP.at lie inside the chunk: then one
 * bounds check (Linux keeps its range) covers every load of the batch, and `exitAt(k)` stubs move
 * the position past the k bytes consumed.
 */
function emitWholeBatch(g: Gen, partial: Label): void {
  const { e } = g;
  e.movReg(R0, STEP.at);
  e.aluImm('ADD', R0, SKIP_BATCH);
  e.jumpReg('JGT', R0, STEP.dataEnd, partial);
}

/** emitSkipRun skips up to SKIP_BATCH bytes of an unused field that are not a delimiter, line end, quote or CR. */
function emitSkipRun(g: Gen, start: Label, slow: Label, delimiter: number): void {
  const { e, plan } = g;
  const csv = plan.table.format === 'csv';
  const partial = e.label('skip_near_end');
  const stops = [delimiter, NEWLINE, ...(csv ? [QUOTE] : []), RETURN];
  e.bind(start);
  e.comment(`skip up to ${SKIP_BATCH} bytes of an unused field that are not a delimiter, line end${csv ? ', quote' : ''} or CR`);
  emitWholeBatch(g, partial);
  const exits = Array.from({ length: SKIP_BATCH }, (_, k) => (k === 0 ? slow : e.label(`skipped_${k}`)));
  for (let k = 0; k < SKIP_BATCH; k++) {
    e.load('B', REG.byte, STEP.at, k);
    for (const stop of stops) e.jumpImm('JEQ', REG.byte, stop, exits[k] as Label);
  }
  e.aluImm('ADD', REG.index, SKIP_BATCH);
  e.store('DW', REG.state, S.pos, REG.index);
  e.goto(g.next);
  for (let k = 1; k < SKIP_BATCH; k++) {
    e.bind(exits[k] as Label);
    e.aluImm('ADD', REG.index, k);
    e.goto(slow);
  }
  e.bind(partial);
  e.comment('near the chunk end: one bounds check per byte');
  for (let k = 0; k < SKIP_BATCH; k++) {
    emitLoadByte(g, REG.byte, slow);
    for (const stop of stops) e.jumpImm('JEQ', REG.byte, stop, slow);
    e.aluImm('ADD', STEP.at, 1);
    e.aluImm('ADD', REG.index, 1);
  }
  e.store('DW', REG.state, S.pos, REG.index);
  e.goto(g.next);
}

/**
 * emitDigitRun accumulates up to SKIP_BATCH digits of a number or date field in registers (DIGITS,
 * and REG.byte = 1 after a decimal point), stores them, and hands the
 * first non-digit (or the chunk end) to the one-byte path `slow`. STEP.at points at the current byte.
 */
function emitDigitRun(g: Gen, start: Label, slow: Label): void {
  const { e } = g;
  const store = e.label('digit_run_end');
  const partial = e.label('digits_near_end');
  e.bind(start);
  e.comment(`up to ${SKIP_BATCH} digits of a number or date field, accumulated in registers`);
  e.load('DW', DIGITS.acc, REG.state, S.acc);
  e.load('DW', DIGITS.count, REG.state, S.digits);
  e.load('DW', DIGITS.frac, REG.state, S.frac);
  e.load('DW', REG.byte, REG.state, S.dot);
  emitWholeBatch(g, partial);
  const exits = Array.from({ length: SKIP_BATCH + 1 }, (_, k) => (k === 0 ? store : e.label(`digits_${k}`)));
  for (let k = 0; k < SKIP_BATCH; k++) {
    e.load('B', R0, STEP.at, k);
    e.aluImm('SUB', R0, 0x30);
    e.jumpImm('JGT', R0, 9, exits[k] as Label);
    e.aluImm('MUL', DIGITS.acc, 10);
    e.aluReg('ADD', DIGITS.acc, R0);
  }
  for (let k = SKIP_BATCH; k > 0; k--) {
    e.bind(exits[k] as Label);
    e.aluImm('ADD', REG.index, k);
    e.aluImm('ADD', DIGITS.count, k);
    e.movReg(R0, REG.byte);
    e.aluImm('MUL', R0, k);
    e.aluReg('ADD', DIGITS.frac, R0);
    e.goto(store);
  }
  e.bind(partial);
  e.comment('near the chunk end: one bounds check per digit');
  for (let k = 0; k < SKIP_BATCH; k++) {
    emitLoadByte(g, R0, store);
    e.aluImm('SUB', R0, 0x30);
    e.jumpImm('JGT', R0, 9, store);
    e.aluImm('MUL', DIGITS.acc, 10);
    e.aluReg('ADD', DIGITS.acc, R0);
    e.aluImm('ADD', DIGITS.count, 1);
    e.aluReg('ADD', DIGITS.frac, REG.byte);
    e.aluImm('ADD', STEP.at, 1);
    e.aluImm('ADD', REG.index, 1);
  }
  e.bind(store);
  e.store('DW', REG.state, S.acc, DIGITS.acc);
  e.store('DW', REG.state, S.digits, DIGITS.count);
  e.store('DW', REG.state, S.frac, DIGITS.frac);
  e.goto(slow);
}

/** emitQuotes handles '"' opening a field, '""' inside quotes, and what may follow a closing quote. */
function emitQuotes(g: Gen, targets: Labels, delimiter: number): void {
  const { e } = g;
  const afterQuote = e.label('after_quote');
  const closed = e.label('quote_closed');
  const lineInQuotes = e.label('line_in_quotes');
  e.bind(targets.openQuote);
  e.comment("a quote at a field's first byte opens it; elsewhere it is content");
  emitFileOffset(g, R0, 0);
  e.load('DW', R1, REG.state, S.fieldStart);
  e.jumpReg('JNE', R0, R1, targets.content);
  e.storeImm('DW', REG.state, S.quote, 1);
  e.goto(g.next);
  e.bind(targets.quoted);
  e.comment('inside quotes: every byte but a quote is content');
  e.jumpImm('JEQ', R0, 2, afterQuote);
  e.jumpImm('JEQ', REG.byte, NEWLINE, lineInQuotes);
  e.jumpImm('JNE', REG.byte, QUOTE, targets.content);
  e.storeImm('DW', REG.state, S.quote, 2);
  e.goto(g.next);
  e.bind(lineInQuotes);
  e.load('DW', R0, REG.state, S.quotedLines);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.quotedLines, R0);
  e.goto(targets.content);
  e.bind(afterQuote);
  e.comment('after a quote inside quotes: "" is a literal quote, a CR is dropped (still just after the quote), else the field has ended');
  e.jumpImm('JEQ', REG.byte, RETURN, targets.carriageReturn);
  e.jumpImm('JNE', REG.byte, QUOTE, closed);
  e.storeImm('DW', REG.state, S.quote, 1);
  e.goto(targets.content);
  e.bind(closed);
  e.storeImm('DW', REG.state, S.quote, 0);
  e.jumpImm('JEQ', REG.byte, delimiter, targets.onDelim);
  e.jumpImm('JEQ', REG.byte, NEWLINE, targets.onNewline);
  e.comment('text after a closing quote: the field is its raw text, quotes included');
  e.load('DW', R0, REG.state, S.kind);
  for (const slot of g.layout.columns) {
    const other = e.label('other_field');
    e.jumpImm('JNE', R0, slot.kind, other);
    emitQuotesKept(g, slot);
    e.goto(targets.content);
    e.bind(other);
  }
  e.goto(targets.content);
}

/**
 * emitCarriageReturn drops '\r' outside quotes. At a field's first byte it moves the field start past
 * it (so a quote after it still opens the field); at a row's first byte also the row start (blank CRLF lines).
 */
function emitCarriageReturn(g: Gen): void {
  const { e } = g;
  emitFileOffset(g, R0, 0);
  e.movReg(R1, R0);
  e.aluImm('ADD', R1, 1);
  e.store('DW', REG.state, S.crEnd, R1);
  e.load('DW', R1, REG.state, S.fieldStart);
  e.jumpReg('JNE', R0, R1, g.next);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.fieldStart, R0);
  e.load('DW', R1, REG.state, S.lineStart);
  e.aluImm('ADD', R1, 1);
  e.jumpReg('JNE', R0, R1, g.next);
  e.store('DW', REG.state, S.lineStart, R0);
  e.goto(g.next);
}

/** emitBeforeLineEnd moves an error column found at a line end back over the '\r' of a CR LF: the CR ends the line, it is not text. */
function emitBeforeLineEnd(g: Gen): void {
  const { e } = g;
  const noReturn = e.label('no_cr_before');
  emitFileOffset(g, R1, 0);
  e.load('DW', R2, REG.state, S.crEnd);
  e.jumpReg('JNE', R1, R2, noReturn);
  e.load('DW', R0, REG.state, S.rowErrCol);
  e.aluImm('SUB', R0, 1);
  e.store('DW', REG.state, S.rowErrCol, R0);
  e.bind(noReturn);
}

/** emitExtraField: content after a .tbl row's trailing delimiter makes one field too many. */
function emitExtraField(g: Gen): void {
  const { e } = g;
  e.storeImm('DW', REG.state, S.rowBad, ErrorCode.tooManyFields);
  e.load('DW', R0, REG.state, S.extraCol);
  e.store('DW', REG.state, S.rowErrCol, R0);
  e.storeImm('DW', REG.state, S.kind, 0);
}

/** emitChunkEnd: at index == chunk length, add the length to the file offset; on an empty chunk, flush. */
function emitChunkEnd(g: Gen, targets: Labels): void {
  const { e, plan } = g;
  const advance = e.label('advance');
  const flush = e.label('flush');
  e.bind(targets.tooLarge);
  emitFatal(g, FatalCode.chunkTooLarge);
  e.bind(targets.chunkEnd);
  e.comment('end of chunk: a non-empty chunk advances the file offset; an empty one is the end of the file');
  e.jumpImm('JNE', REG.index, 0, advance);
  if (plan.table.format === 'csv') {
    const quoteOk = e.label('quote_ok');
    e.load('DW', R0, REG.state, S.quote);
    e.jumpImm('JNE', R0, 1, quoteOk);
    emitRowError(g, ErrorCode.unterminatedQuote, 'field', true);
    e.storeImm('DW', REG.state, S.quote, 0);
    e.bind(quoteOk);
  }
  e.load('DW', R0, REG.state, S.col);
  e.jumpImm('JNE', R0, 0, flush);
  e.load('DW', R0, REG.state, S.base);
  e.load('DW', R1, REG.state, S.lineStart);
  e.jumpReg('JEQ', R0, R1, g.stop);
  e.bind(flush);
  e.comment('end of file inside a row: finish it as if a line end followed');
  e.storeImm('DW', REG.ctx, CTX.flush, 1);
  e.movImm(REG.byte, NEWLINE);
  e.goto(targets.onNewline);
  e.bind(advance);
  e.load('DW', R0, REG.state, S.base);
  e.aluReg('ADD', R0, REG.index);
  e.store('DW', REG.state, S.base, R0);
  e.goto(g.stop);
}

/** emitDelimiter finishes the field, moves to the next column and selects its decoder. */
function emitDelimiter(g: Gen, targets: Labels): void {
  const { e, plan, layout } = g;
  const tooMany = e.label('too_many_fields');
  const afterFinish = e.label('after_finish');
  e.bind(targets.onDelim);
  e.comment('delimiter: finish the field, select the next column');
  if (plan.table.header) {
    e.load('DW', R0, REG.state, S.header);
    e.jumpImm('JNE', R0, 0, g.next);
  }
  e.bind(targets.finish);
  e.load('DW', R0, REG.state, S.kind);
  const finishLabels = layout.columns.map((slot) => {
    const label = e.label(`finish_${slot.name}`);
    e.jumpImm('JEQ', R0, slot.kind, label);
    return label;
  });
  e.goto(afterFinish);
  layout.columns.forEach((slot, i) => {
    e.bind(finishLabels[i] as Label);
    emitFinish(g, slot, afterFinish);
  });
  e.bind(afterFinish);
  e.jumpImm('JEQ', REG.byte, NEWLINE, targets.afterRow);
  e.load('DW', R0, REG.state, S.col);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.col, R0);
  emitFileOffset(g, R1, 1);
  e.store('DW', REG.state, S.fieldStart, R1);
  if (plan.table.trailingDelimiter) {
    const notLast = e.label('not_trailing');
    e.jumpImm('JGT', R0, layout.fieldCount, tooMany);
    e.jumpImm('JNE', R0, layout.fieldCount, notLast);
    e.storeImm('DW', REG.state, S.kind, EXTRA_KIND);
    emitFileOffset(g, R0, 1);
    e.load('DW', R1, REG.state, S.lineStart);
    e.aluReg('SUB', R0, R1);
    e.aluImm('ADD', R0, 1);
    e.store('DW', REG.state, S.extraCol, R0);
    e.goto(g.eventDone);
    e.bind(notLast);
  } else {
    e.jumpImm('JGT', R0, layout.fieldCount, g.eventDone);
    e.jumpImm('JEQ', R0, layout.fieldCount, tooMany);
  }
  for (const slot of layout.columns) {
    const other = e.label('other_column');
    e.jumpImm('JNE', R0, slot.column, other);
    e.storeImm('DW', REG.state, S.kind, slot.kind);
    emitFieldReset(g);
    e.goto(g.eventDone);
    e.bind(other);
  }
  e.storeImm('DW', REG.state, S.kind, 0);
  e.goto(g.eventDone);
  e.bind(tooMany);
  e.comment('the first field past the schema\'s last column');
  if (plan.table.trailingDelimiter) emitExtraField(g);
  else emitRowError(g, ErrorCode.tooManyFields, 'field', true);
  e.goto(g.eventDone);
}

/** emitNewline finishes the row: header and blank lines, field count, malformed rows, then filter and aggregate. */
function emitNewline(g: Gen, targets: Labels): void {
  const { e, plan, layout } = g;
  const nonBlank = e.label('non_blank');
  const lengthOk = e.label('length_ok');
  const tooFew = e.label('too_few_fields');
  const badRow = e.label('bad_row');
  e.bind(targets.onNewline);
  e.comment('line end: finish the row');
  if (plan.table.header) {
    const notHeader = e.label('not_header');
    e.load('DW', R0, REG.state, S.header);
    e.jumpImm('JEQ', R0, 0, notHeader);
    e.storeImm('DW', REG.state, S.header, 0);
    e.goto(targets.rowReset);
    e.bind(notHeader);
  }
  e.load('DW', R0, REG.state, S.col);
  e.jumpImm('JNE', R0, 0, nonBlank);
  emitFileOffset(g, R0, 0);
  e.load('DW', R1, REG.state, S.lineStart);
  e.jumpReg('JEQ', R0, R1, targets.rowReset);
  e.bind(nonBlank);
  e.goto(targets.finish);

  e.bind(targets.afterRow);
  emitFileOffset(g, R0, 0);
  e.load('DW', R1, REG.state, S.lineStart);
  e.aluReg('SUB', R0, R1);
  e.jumpImm('JLE', R0, MAX_LINE_BYTES, lengthOk);
  e.storeImm('DW', REG.state, S.rowBad, ErrorCode.lineTooLong);
  e.storeImm('DW', REG.state, S.rowErrCol, MAX_LINE_BYTES + 1);
  e.goto(badRow);
  e.bind(lengthOk);
  if (plan.table.format === 'csv') {
    e.comment('a quote left open at the end of the file is the row\'s error, wherever its fields ended');
    e.load('DW', R0, REG.state, S.rowBad);
    e.jumpImm('JEQ', R0, ErrorCode.unterminatedQuote, badRow);
  }
  e.load('DW', R0, REG.state, S.col);
  // A .tbl row ends with '|' after its last field, so a row that ends right after its last field has one field too few.
  e.jumpImm('JLT', R0, layout.fieldCount - (plan.table.trailingDelimiter ? 0 : 1), tooFew);
  e.load('DW', R0, REG.state, S.rowBad);
  e.jumpImm('JNE', R0, 0, badRow);
  e.load('DW', R0, REG.state, S.rows);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.rows, R0);
  emitRow(g, targets.rowReset);
  e.bind(tooFew);
  emitRowError(g, ErrorCode.tooFewFields, 'here', true);
  emitBeforeLineEnd(g);
  e.bind(badRow);
  emitRecordRowError(g);

  e.bind(targets.rowReset);
  e.comment('next row: reset the parser');
  e.load('DW', R0, REG.state, S.line);
  e.load('DW', R1, REG.state, S.quotedLines);
  e.aluReg('ADD', R0, R1);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.line, R0);
  e.storeImm('DW', REG.state, S.quotedLines, 0);
  emitFileOffset(g, R0, 1);
  e.store('DW', REG.state, S.lineStart, R0);
  e.store('DW', REG.state, S.fieldStart, R0);
  e.storeImm('DW', REG.state, S.col, 0);
  e.storeImm('DW', REG.state, S.rowBad, 0);
  emitClearStrings(g);
  emitFirstField(g);
  e.goto(g.eventDone);
}

/**
 * emitRecordRowError counts a malformed row and keeps the first one's error (code, line, column,
 * field) for the decoder; with the 'stop' policy it stops the scan there.
 */
function emitRecordRowError(g: Gen): void {
  const { e } = g;
  const counted = e.label('error_counted');
  e.load('DW', R0, REG.state, S.skipped);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.state, S.skipped, R0);
  e.load('DW', R0, REG.state, S.errCode);
  e.jumpImm('JNE', R0, 0, counted);
  for (const [from, to] of [
    [S.rowBad, S.errCode],
    [S.line, S.errLine],
    [S.rowErrCol, S.errCol],
    [S.rowErrField, S.errField],
  ] as const) {
    e.load('DW', R0, REG.state, from);
    e.store('DW', REG.state, to, R0);
  }
  e.bind(counted);
  if (g.plan.onError === 'stop') e.goto(g.stop);
}

/** Labels are the callback's shared jump targets. */
type Labels = ReturnType<typeof labels>;

function labels(g: Gen) {
  const { e } = g;
  return {
    chunkEnd: e.label('chunk_end'),
    tooLarge: e.label('chunk_too_large'),
    quoted: e.label('quoted'),
    openQuote: e.label('open_quote'),
    content: e.label('content'),
    onDelim: e.label('on_delimiter'),
    onNewline: e.label('on_newline'),
    finish: e.label('finish_field'),
    rowReset: e.label('row_reset'),
    extraByte: e.label('extra_byte'),
    afterRow: e.label('row_end'),
    carriageReturn: e.label('carriage_return'),
  };
}
