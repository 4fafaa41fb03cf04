// The scan: a bpf_loop callback that reads a plain row in one go (row-fast.ts) or runs one scan step; a step is a run of unused bytes or digits, or one byte through the CSV state machine.
import { CTX, REG, emitFatal, emitFileOffset, type Gen } from './context.js';
import { R2 } from '../asm/builder.js';
import type { Label, Register } from './emitter.js';
import { emitByteHandler, emitClearStrings, emitFieldReset, emitFinish, emitQuotesKept, emitRowError } from './fields.js';
import { emitFastRow } from './row-fast.js';
import { EXTRA_KIND, ErrorCode, FatalCode, S } from './layout.js';
import { MAX_LINE_BYTES } from '../sql/plan.js';
import { emitRow } from './row.js';

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
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
  const L = labels(g);
  const csv = plan.table.format === 'csv';
  const delimiter = plan.table.delimiter.charCodeAt(0);

  const slow = e.label('one_byte');
  const skip = e.label('skip_run');
  e.comment('scan step(context r2): resume at the chunk position kept in the state');
  e.movReg(REG.ctx, 2);
  e.load('DW', REG.state, REG.ctx, CTX.state);
  e.load('DW', REG.index, REG.state, S.pos);
  e.jumpImm('JGT', REG.index, maxChunk, L.tooLarge);
  e.load('DW', 3, REG.ctx, CTX.data);
  e.load('DW', 4, REG.ctx, CTX.dataEnd);
  e.aluReg('ADD', 3, REG.index);
  e.comment('outside quotes, runs of unused bytes are skipped and runs of digits accumulated; anything else is one byte');
  const digits = e.label('digit_run');
  if (csv) {
    e.load('DW', 0, REG.state, S.quote);
    e.jumpImm('JNE', 0, 0, slow);
  }
  e.load('DW', 0, REG.state, S.kind);
  if (g.layout.digitKinds > 0) {
    e.jumpImm('JEQ', 0, 0, skip);
    e.jumpImm('JLE', 0, g.layout.digitKinds, digits);
    e.goto(slow);
  } else {
    e.jumpImm('JNE', 0, 0, slow);
  }
  emitSkipRun(g, skip, slow, delimiter);
  if (g.layout.digitKinds > 0) emitDigitRun(g, digits, slow);
  e.bind(slow);
  e.comment('one byte through the state machine');
  e.jumpImm('JGT', REG.index, maxChunk, L.tooLarge);
  e.load('DW', 3, REG.ctx, CTX.data);
  e.aluReg('ADD', 3, REG.index);
  e.movReg(5, 3);
  e.aluImm('ADD', 5, 1);
  e.jumpReg('JGT', 5, 4, L.chunkEnd);
  e.comment('more bytes than maxChunk: stop with an error rather than leave them unread');
  e.jumpImm('JEQ', REG.index, maxChunk, L.tooLarge);
  e.load('B', REG.byte, 3, 0);
  e.movReg(0, REG.index);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.state, S.pos, 0);
  if (csv) {
    e.load('DW', 0, REG.state, S.quote);
    e.jumpImm('JNE', 0, 0, L.quoted);
  }
  e.comment('outside quotes: delimiter, line end, quote, or field content');
  e.jumpImm('JEQ', REG.byte, delimiter, L.onDelim);
  e.jumpImm('JEQ', REG.byte, NEWLINE, L.onNewline);
  if (csv) e.jumpImm('JEQ', REG.byte, QUOTE, L.openQuote);
  e.jumpImm('JEQ', REG.byte, RETURN, L.carriageReturn);
  e.bind(L.content);
  e.comment('field content: dispatch on the decoder of the current field (0 = column not used)');
  e.load('DW', 0, REG.state, S.kind);
  e.jumpImm('JEQ', 0, 0, g.next);
  const byteLabels = g.layout.columns.map((slot) => {
    const label = e.label(`byte_${slot.name}`);
    e.jumpImm('JEQ', 0, slot.kind, label);
    return label;
  });
  if (plan.table.trailingDelimiter) e.jumpImm('JEQ', 0, EXTRA_KIND, L.extraByte);
  e.bind(g.next);
  e.movImm(0, 0);
  e.exit();
  e.bind(g.stop);
  e.movImm(0, 1);
  e.exit();
  e.bind(g.eventDone);
  e.load('DW', 0, REG.ctx, CTX.flush);
  e.jumpImm('JNE', 0, 0, g.stop);
  e.goto(g.next);

  g.layout.columns.forEach((slot, i) => {
    e.bind(byteLabels[i] as Label);
    emitByteHandler(g, slot);
  });
  if (plan.table.trailingDelimiter) {
    e.bind(L.extraByte);
    emitExtraField(g);
    e.goto(g.next);
  }
  e.bind(L.carriageReturn);
  emitCarriageReturn(g);
  if (csv) emitQuotes(g, L, delimiter);
  emitChunkEnd(g, L);
  emitDelimiter(g, L);
  emitNewline(g, L);
}

/** emitLoadByte loads the byte at r3 into `dst` after checking it against data_end (r4); past the end it jumps to `end`. Clobbers r0. */
function emitLoadByte(g: Gen, dst: Register, end: Label): void {
  const { e } = g;
  e.movReg(0, 3);
  e.aluImm('ADD', 0, 1);
  e.jumpReg('JGT', 0, 4, end);
  e.load('B', dst, 3, 0);
}

/**
 * emitWholeBatch jumps to `partial` unless SKIP_BATCH bytes from r3 lie inside the chunk: then one
 * bounds check (Linux keeps its range) covers every load of the batch, and `exitAt(k)` stubs move
 * the position past the k bytes consumed.
 */
function emitWholeBatch(g: Gen, partial: Label): void {
  const { e } = g;
  e.movReg(0, 3);
  e.aluImm('ADD', 0, SKIP_BATCH);
  e.jumpReg('JGT', 0, 4, partial);
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
    e.load('B', REG.byte, 3, k);
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
    e.aluImm('ADD', 3, 1);
    e.aluImm('ADD', REG.index, 1);
  }
  e.store('DW', REG.state, S.pos, REG.index);
  e.goto(g.next);
}

/**
 * emitDigitRun accumulates up to SKIP_BATCH digits of a number or date field in registers (r1 acc,
 * r2 digit count, r5 fraction digits, r8 = 1 after a decimal point), stores them, and hands the
 * first non-digit (or the chunk end) to the one-byte path `slow`. r3 points at the current byte.
 */
function emitDigitRun(g: Gen, start: Label, slow: Label): void {
  const { e } = g;
  const store = e.label('digit_run_end');
  const partial = e.label('digits_near_end');
  e.bind(start);
  e.comment(`up to ${SKIP_BATCH} digits of a number or date field, accumulated in registers`);
  e.load('DW', 1, REG.state, S.acc);
  e.load('DW', 2, REG.state, S.digits);
  e.load('DW', 5, REG.state, S.frac);
  e.load('DW', REG.byte, REG.state, S.dot);
  emitWholeBatch(g, partial);
  const exits = Array.from({ length: SKIP_BATCH + 1 }, (_, k) => (k === 0 ? store : e.label(`digits_${k}`)));
  for (let k = 0; k < SKIP_BATCH; k++) {
    e.load('B', 0, 3, k);
    e.aluImm('SUB', 0, 0x30);
    e.jumpImm('JGT', 0, 9, exits[k] as Label);
    e.aluImm('MUL', 1, 10);
    e.aluReg('ADD', 1, 0);
  }
  for (let k = SKIP_BATCH; k > 0; k--) {
    e.bind(exits[k] as Label);
    e.aluImm('ADD', REG.index, k);
    e.aluImm('ADD', 2, k);
    e.movReg(0, REG.byte);
    e.aluImm('MUL', 0, k);
    e.aluReg('ADD', 5, 0);
    e.goto(store);
  }
  e.bind(partial);
  e.comment('near the chunk end: one bounds check per digit');
  for (let k = 0; k < SKIP_BATCH; k++) {
    emitLoadByte(g, 0, store);
    e.aluImm('SUB', 0, 0x30);
    e.jumpImm('JGT', 0, 9, store);
    e.aluImm('MUL', 1, 10);
    e.aluReg('ADD', 1, 0);
    e.aluImm('ADD', 2, 1);
    e.aluReg('ADD', 5, REG.byte);
    e.aluImm('ADD', 3, 1);
    e.aluImm('ADD', REG.index, 1);
  }
  e.bind(store);
  e.store('DW', REG.state, S.acc, 1);
  e.store('DW', REG.state, S.digits, 2);
  e.store('DW', REG.state, S.frac, 5);
  e.goto(slow);
}

/** emitQuotes handles '"' opening a field, '""' inside quotes, and what may follow a closing quote. */
function emitQuotes(g: Gen, L: Labels, delimiter: number): void {
  const { e } = g;
  const afterQuote = e.label('after_quote');
  const closed = e.label('quote_closed');
  const lineInQuotes = e.label('line_in_quotes');
  e.bind(L.openQuote);
  e.comment("a quote at a field's first byte opens it; elsewhere it is content");
  emitFileOffset(g, 0, 0);
  e.load('DW', 1, REG.state, S.fieldStart);
  e.jumpReg('JNE', 0, 1, L.content);
  e.storeImm('DW', REG.state, S.quote, 1);
  e.goto(g.next);
  e.bind(L.quoted);
  e.comment('inside quotes: every byte but a quote is content');
  e.jumpImm('JEQ', 0, 2, afterQuote);
  e.jumpImm('JEQ', REG.byte, NEWLINE, lineInQuotes);
  e.jumpImm('JNE', REG.byte, QUOTE, L.content);
  e.storeImm('DW', REG.state, S.quote, 2);
  e.goto(g.next);
  e.bind(lineInQuotes);
  e.load('DW', 0, REG.state, S.quotedLines);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.state, S.quotedLines, 0);
  e.goto(L.content);
  e.bind(afterQuote);
  e.comment('after a quote inside quotes: "" is a literal quote, else the field has ended');
  e.jumpImm('JNE', REG.byte, QUOTE, closed);
  e.storeImm('DW', REG.state, S.quote, 1);
  e.goto(L.content);
  e.bind(closed);
  e.storeImm('DW', REG.state, S.quote, 0);
  e.jumpImm('JEQ', REG.byte, delimiter, L.onDelim);
  e.jumpImm('JEQ', REG.byte, NEWLINE, L.onNewline);
  e.jumpImm('JEQ', REG.byte, RETURN, L.carriageReturn);
  e.comment('text after a closing quote: the field is its raw text, quotes included');
  e.load('DW', 0, REG.state, S.kind);
  for (const slot of g.layout.columns) {
    const other = e.label('other_field');
    e.jumpImm('JNE', 0, slot.kind, other);
    emitQuotesKept(g, slot);
    e.goto(L.content);
    e.bind(other);
  }
  e.goto(L.content);
}

/**
 * emitCarriageReturn drops '\r' outside quotes. At a field's first byte it moves the field start past
 * it (so a quote after it still opens the field); at a row's first byte also the row start (blank CRLF lines).
 */
function emitCarriageReturn(g: Gen): void {
  const { e } = g;
  emitFileOffset(g, 0, 0);
  e.load('DW', 1, REG.state, S.fieldStart);
  e.jumpReg('JNE', 0, 1, g.next);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.state, S.fieldStart, 0);
  e.load('DW', 1, REG.state, S.lineStart);
  e.aluImm('ADD', 1, 1);
  e.jumpReg('JNE', 0, 1, g.next);
  e.store('DW', REG.state, S.lineStart, 0);
  e.goto(g.next);
}

/** emitExtraField: content after a .tbl row's trailing delimiter makes one field too many. */
function emitExtraField(g: Gen): void {
  const { e } = g;
  e.storeImm('DW', REG.state, S.rowBad, ErrorCode.tooManyFields);
  e.load('DW', 0, REG.state, S.extraCol);
  e.store('DW', REG.state, S.rowErrCol, 0);
  e.storeImm('DW', REG.state, S.kind, 0);
}

/** emitChunkEnd: at index == chunk length, add the length to the file offset; on an empty chunk, flush. */
function emitChunkEnd(g: Gen, L: Labels): void {
  const { e, plan } = g;
  const advance = e.label('advance');
  const flush = e.label('flush');
  e.bind(L.tooLarge);
  emitFatal(g, FatalCode.chunkTooLarge);
  e.bind(L.chunkEnd);
  e.comment('end of chunk: a non-empty chunk advances the file offset; an empty one is the end of the file');
  e.jumpImm('JNE', REG.index, 0, advance);
  if (plan.table.format === 'csv') {
    const quoteOk = e.label('quote_ok');
    e.load('DW', 0, REG.state, S.quote);
    e.jumpImm('JNE', 0, 1, quoteOk);
    emitRowError(g, ErrorCode.unterminatedQuote, 'field', true);
    e.storeImm('DW', REG.state, S.quote, 0);
    e.bind(quoteOk);
  }
  e.load('DW', 0, REG.state, S.col);
  e.jumpImm('JNE', 0, 0, flush);
  e.load('DW', 0, REG.state, S.base);
  e.load('DW', 1, REG.state, S.lineStart);
  e.jumpReg('JEQ', 0, 1, g.stop);
  e.bind(flush);
  e.comment('end of file inside a row: finish it as if a line end followed');
  e.storeImm('DW', REG.ctx, CTX.flush, 1);
  e.movImm(REG.byte, NEWLINE);
  e.goto(L.onNewline);
  e.bind(advance);
  e.load('DW', 0, REG.state, S.base);
  e.aluReg('ADD', 0, REG.index);
  e.store('DW', REG.state, S.base, 0);
  e.goto(g.stop);
}

/** emitDelimiter finishes the field, moves to the next column and selects its decoder. */
function emitDelimiter(g: Gen, L: Labels): void {
  const { e, plan, layout } = g;
  const tooMany = e.label('too_many_fields');
  const afterFinish = e.label('after_finish');
  e.bind(L.onDelim);
  e.comment('delimiter: finish the field, select the next column');
  if (plan.table.header) {
    e.load('DW', 0, REG.state, S.header);
    e.jumpImm('JNE', 0, 0, g.next);
  }
  e.bind(L.finish);
  e.load('DW', 0, REG.state, S.kind);
  const finishLabels = layout.columns.map((slot) => {
    const label = e.label(`finish_${slot.name}`);
    e.jumpImm('JEQ', 0, slot.kind, label);
    return label;
  });
  e.goto(afterFinish);
  layout.columns.forEach((slot, i) => {
    e.bind(finishLabels[i] as Label);
    emitFinish(g, slot, afterFinish);
  });
  e.bind(afterFinish);
  e.jumpImm('JEQ', REG.byte, NEWLINE, L.afterRow);
  e.load('DW', 0, REG.state, S.col);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.state, S.col, 0);
  emitFileOffset(g, 1, 1);
  e.store('DW', REG.state, S.fieldStart, 1);
  if (plan.table.trailingDelimiter) {
    const notLast = e.label('not_trailing');
    e.jumpImm('JGT', 0, layout.fieldCount, tooMany);
    e.jumpImm('JNE', 0, layout.fieldCount, notLast);
    e.storeImm('DW', REG.state, S.kind, EXTRA_KIND);
    emitFileOffset(g, 0, 1);
    e.load('DW', 1, REG.state, S.lineStart);
    e.aluReg('SUB', 0, 1);
    e.aluImm('ADD', 0, 1);
    e.store('DW', REG.state, S.extraCol, 0);
    e.goto(g.eventDone);
    e.bind(notLast);
  } else {
    e.jumpImm('JGT', 0, layout.fieldCount, g.eventDone);
    e.jumpImm('JEQ', 0, layout.fieldCount, tooMany);
  }
  for (const slot of layout.columns) {
    const other = e.label('other_column');
    e.jumpImm('JNE', 0, slot.column, other);
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
function emitNewline(g: Gen, L: Labels): void {
  const { e, plan, layout } = g;
  const nonBlank = e.label('non_blank');
  const lengthOk = e.label('length_ok');
  const tooFew = e.label('too_few_fields');
  const badRow = e.label('bad_row');
  e.bind(L.onNewline);
  e.comment('line end: finish the row');
  if (plan.table.header) {
    const notHeader = e.label('not_header');
    e.load('DW', 0, REG.state, S.header);
    e.jumpImm('JEQ', 0, 0, notHeader);
    e.storeImm('DW', REG.state, S.header, 0);
    e.goto(L.rowReset);
    e.bind(notHeader);
  }
  e.load('DW', 0, REG.state, S.col);
  e.jumpImm('JNE', 0, 0, nonBlank);
  emitFileOffset(g, 0, 0);
  e.load('DW', 1, REG.state, S.lineStart);
  e.jumpReg('JEQ', 0, 1, L.rowReset);
  e.bind(nonBlank);
  e.goto(L.finish);

  e.bind(L.afterRow);
  emitFileOffset(g, 0, 0);
  e.load('DW', 1, REG.state, S.lineStart);
  e.aluReg('SUB', 0, 1);
  e.jumpImm('JLE', 0, MAX_LINE_BYTES, lengthOk);
  e.storeImm('DW', REG.state, S.rowBad, ErrorCode.lineTooLong);
  e.storeImm('DW', REG.state, S.rowErrCol, MAX_LINE_BYTES + 1);
  e.goto(badRow);
  e.bind(lengthOk);
  if (plan.table.format === 'csv') {
    e.comment('a quote left open at the end of the file is the row\'s error, wherever its fields ended');
    e.load('DW', 0, REG.state, S.rowBad);
    e.jumpImm('JEQ', 0, ErrorCode.unterminatedQuote, badRow);
  }
  e.load('DW', 0, REG.state, S.col);
  // A .tbl row ends with '|' after its last field, so a row that ends right after its last field has one field too few.
  e.jumpImm('JLT', 0, layout.fieldCount - (plan.table.trailingDelimiter ? 0 : 1), tooFew);
  e.load('DW', 0, REG.state, S.rowBad);
  e.jumpImm('JNE', 0, 0, badRow);
  e.load('DW', 0, REG.state, S.rows);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.state, S.rows, 0);
  emitRow(g, L.rowReset);
  e.bind(tooFew);
  emitRowError(g, ErrorCode.tooFewFields, 'here', true);
  e.bind(badRow);
  emitRecordRowError(g);

  e.bind(L.rowReset);
  e.comment('next row: reset the parser');
  e.load('DW', 0, REG.state, S.line);
  e.load('DW', 1, REG.state, S.quotedLines);
  e.aluReg('ADD', 0, 1);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.state, S.line, 0);
  e.storeImm('DW', REG.state, S.quotedLines, 0);
  emitFileOffset(g, 0, 1);
  e.store('DW', REG.state, S.lineStart, 0);
  e.store('DW', REG.state, S.fieldStart, 0);
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
  e.load('DW', 0, REG.state, S.skipped);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.state, S.skipped, 0);
  e.load('DW', 0, REG.state, S.errCode);
  e.jumpImm('JNE', 0, 0, counted);
  for (const [from, to] of [
    [S.rowBad, S.errCode],
    [S.line, S.errLine],
    [S.rowErrCol, S.errCol],
    [S.rowErrField, S.errField],
  ] as const) {
    e.load('DW', 0, REG.state, from);
    e.store('DW', REG.state, to, 0);
  }
  e.bind(counted);
  if (g.plan.onError === 'stop') e.goto(g.stop);
}

/** emitFirstField selects column 0's decoder (known at compile time) and clears the accumulators. */
export function emitFirstField(g: Gen): void {
  const first = g.layout.columns.find((slot) => slot.column === 0);
  g.e.storeImm('DW', REG.state, S.kind, first?.kind ?? 0);
  if (first !== undefined) emitFieldReset(g);
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
