// Assembles a WebAssembly module binary: types, imports, functions, a table, globals, exports and code.
import { ByteWriter } from './wasm-bytes.js';
import { ExternKind, FUNCREF, Op, Section, ValType } from './wasm-opcodes.js';

/** FuncType is a function signature. */
export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** FunctionDef is one defined function: its signature, extra locals and body (without the final `end`). */
export interface FunctionDef {
  readonly type: FuncType;
  readonly locals: readonly ValType[];
  readonly body: Uint8Array;
  /** Export name, if JavaScript calls it. */
  readonly exportAs?: string;
}

/** GlobalDef is one mutable i64 or i32 global with its initial value. */
export interface GlobalDef {
  readonly type: typeof ValType.i32 | typeof ValType.i64;
  readonly initial: bigint;
  readonly exportAs?: string;
}

/**
 * ModuleBuilder collects the parts of a module. Function indexes count imports first: import
 * `k` is function `k`, defined function `k` is `importCount + k`; reserve indexes with
 * `declareFunction` before bodies exist, so that bodies can call each other.
 */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly imports: { module: string; name: string; typeIndex: number }[] = [];
  private readonly functions: (FunctionDef | undefined)[] = [];
  private readonly globals: GlobalDef[] = [];
  private readonly tableEntries: number[] = [];
  private memoryImport: { module: string; name: string; minPages: number } | undefined;

  /** importMemory makes the module use memory from outside (at least `minPages` 64 KiB pages). */
  importMemory(module: string, name: string, minPages: number): void {
    this.memoryImport = { module, name, minPages };
  }

  /** importFunction adds an imported function and returns its index; call before declaring any function. */
  importFunction(module: string, name: string, type: FuncType): number {
    if (this.functions.length > 0) throw new Error('wasm module: imports must come before defined functions');
    this.imports.push({ module, name, typeIndex: this.typeIndex(type) });
    return this.imports.length - 1;
  }

  /** declareFunction reserves the next function index; `define` fills in its body later. */
  declareFunction(): number {
    this.functions.push(undefined);
    return this.imports.length + this.functions.length - 1;
  }

  /** define gives the body of a function reserved by declareFunction. */
  define(index: number, def: FunctionDef): void {
    this.functions[index - this.imports.length] = def;
  }

  /** addGlobal adds a mutable global and returns its index. */
  addGlobal(def: GlobalDef): number {
    this.globals.push(def);
    return this.globals.length - 1;
  }

  /** addTableEntry appends a function to the module's one table and returns its table slot. */
  addTableEntry(functionIndex: number): number {
    this.tableEntries.push(functionIndex);
    return this.tableEntries.length - 1;
  }

  /** typeIndex returns the index of a signature, adding it the first time it is seen. */
  typeIndex(type: FuncType): number {
    const at = this.types.findIndex((t) => sameList(t.params, type.params) && sameList(t.results, type.results));
    if (at >= 0) return at;
    this.types.push(type);
    return this.types.length - 1;
  }

  /** build returns the module's binary. */
  build(): Uint8Array<ArrayBuffer> {
    const defs = this.functions.map((def, k) => {
      if (!def) throw new Error(`wasm module: function ${this.imports.length + k} declared but never defined`);
      return def;
    });
    const typeIndexes = defs.map((def) => this.typeIndex(def.type));
    const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    out.byte(Section.type).sized(this.typeSection());
    out.byte(Section.import).sized(this.importSection());
    out.byte(Section.function).sized(vector(typeIndexes, (w, t) => w.u32(t)));
    if (this.tableEntries.length > 0) {
      const n = this.tableEntries.length;
      out.byte(Section.table).sized(new ByteWriter().u32(1).byte(FUNCREF).byte(1).u32(n).u32(n));
    }
    if (this.globals.length > 0) out.byte(Section.global).sized(this.globalSection());
    out.byte(Section.export).sized(this.exportSection(defs));
    if (this.tableEntries.length > 0) out.byte(Section.element).sized(this.elementSection());
    out.byte(Section.code).sized(vector(defs, (w, def) => w.sized(functionBody(def))));
    return out.finish().slice();
  }

  private typeSection(): ByteWriter {
    return vector(this.types, (w, t) => {
      w.byte(0x60);
      w.u32(t.params.length).bytes(t.params);
      w.u32(t.results.length).bytes(t.results);
    });
  }

  private importSection(): ByteWriter {
    const w = new ByteWriter().u32(this.imports.length + (this.memoryImport ? 1 : 0));
    if (this.memoryImport) {
      const m = this.memoryImport;
      w.name(m.module).name(m.name).byte(ExternKind.memory).byte(0).u32(m.minPages);
    }
    for (const imp of this.imports) w.name(imp.module).name(imp.name).byte(ExternKind.func).u32(imp.typeIndex);
    return w;
  }

  private globalSection(): ByteWriter {
    return vector(this.globals, (w, g) => {
      w.byte(g.type).byte(1);
      if (g.type === ValType.i64) w.byte(Op.i64_const).s64(g.initial);
      else w.byte(Op.i32_const).s32(Number(BigInt.asIntN(32, g.initial)));
      w.byte(Op.end);
    });
  }

  private exportSection(defs: readonly FunctionDef[]): ByteWriter {
    const entries: { name: string; kind: number; index: number }[] = [];
    defs.forEach((def, k) => {
      if (def.exportAs) entries.push({ name: def.exportAs, kind: ExternKind.func, index: this.imports.length + k });
    });
    this.globals.forEach((g, k) => {
      if (g.exportAs) entries.push({ name: g.exportAs, kind: ExternKind.global, index: k });
    });
    return vector(entries, (w, e) => w.name(e.name).byte(e.kind).u32(e.index));
  }

  private elementSection(): ByteWriter {
    const w = new ByteWriter().u32(1).u32(0);
    w.byte(Op.i32_const).s32(0).byte(Op.end);
    w.u32(this.tableEntries.length);
    for (const f of this.tableEntries) w.u32(f);
    return w;
  }
}

function functionBody(def: FunctionDef): ByteWriter {
  const w = new ByteWriter();
  const runs: { type: ValType; count: number }[] = [];
  for (const t of def.locals) {
    const last = runs[runs.length - 1];
    if (last && last.type === t) last.count++;
    else runs.push({ type: t, count: 1 });
  }
  w.u32(runs.length);
  for (const run of runs) w.u32(run.count).byte(run.type);
  return w.bytes(def.body).byte(Op.end);
}

function vector<T>(items: readonly T[], write: (w: ByteWriter, item: T) => void): ByteWriter {
  const w = new ByteWriter().u32(items.length);
  for (const item of items) write(w, item);
  return w;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}
