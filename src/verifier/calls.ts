// Helper calls: arguments checked against the prototypes in src/asm/helpers.ts, r0 typed by the return type.
import { HELPERS, HelperId, type ArgType, helperName } from '../asm/helpers.js';
import { checkMemoryArg } from './access.js';
import { type Env, refuse } from './env.js';
import { isConst, scalarText } from './scalar.js';
import { NOT_INIT, type Reg, type State, UNKNOWN_SCALAR, isPointer, pointerReg, regText } from './state.js';

/** MAX_MEMORY_ARG is the largest size a helper may be handed, as Linux's BPF_MAX_VAR_SIZ. */
const MAX_MEMORY_ARG = 1 << 29;

/** CallbackVerifier verifies a bpf_loop callback from `state` and returns the caller frames after the loop. */
export type CallbackVerifier = (state: State, entry: number, context: Reg) => void;

/** helperCall checks a call to helper `id`, runs callbacks it takes, and sets r0..r5 as the call leaves them. */
export function helperCall(env: Env, state: State, id: number, verifyCallback: CallbackVerifier): void {
  const proto = HELPERS.get(id)!;
  const regs = state.frames[state.frames.length - 1]!.regs;
  const name = helperName(id)!;
  let map = -1;
  let memory: { reg: Reg; no: number; writes: boolean } | undefined;
  let callback: number | undefined;
  let context: Reg | undefined;
  proto.args.forEach((arg: ArgType, i: number) => {
    const no = i + 1;
    const reg = regs[no]!;
    const r = `R${no}`;
    if (reg.type === 'not_init') {
      // bpf_trace_printk is variadic: the values after the format may be absent, as Linux allows.
      if (id === HelperId.trace_printk && arg === 'anything') return;
      refuse(`${r} !read_ok (argument ${no} of ${name})`);
    }
    const expected = (what: string) => refuse(`${r} type=${regText(reg, env.spec.maps)} expected=${what} (argument ${no} of ${name})`);
    switch (arg) {
      case 'anything':
        return;
      case 'map':
        if (reg.type !== 'map_ptr') expected('map_ptr');
        map = reg.map;
        if (env.spec.maps[map]!.readOnly && (id === HelperId.map_update_elem || id === HelperId.map_delete_elem)) {
          refuse(`write into map forbidden: map ${env.spec.maps[map]!.name} is read-only (argument ${no} of ${name})`);
        }
        return;
      case 'map_key':
      case 'map_value': {
        const spec = env.spec.maps[map]!;
        const size = arg === 'map_key' ? spec.keySize : spec.valueSize;
        if (!isPointer(reg)) expected(`pointer to ${arg === 'map_key' ? 'key' : 'value'}`);
        checkMemoryArg(env, state, reg, no, size, size, false, `${arg === 'map_key' ? 'key' : 'value'} of ${size} bytes for map ${spec.name}`);
        return;
      }
      case 'mem':
      case 'uninit_mem':
        if (!isPointer(reg)) expected('pointer to memory');
        memory = { reg, no, writes: arg === 'uninit_mem' };
        return;
      case 'size':
      case 'size_or_zero':
        checkSize(env, state, reg, no, arg === 'size_or_zero', memory!, name);
        return;
      case 'func':
        if (reg.type !== 'func') expected('func');
        callback = reg.size;
        return;
      case 'stack_or_null':
        if (reg.type === 'stack') {
          context = reg;
          return;
        }
        if (reg.type === 'scalar' && isConst(reg.value) && reg.value.umin === 0n) {
          context = reg;
          return;
        }
        expected('fp or null');
    }
  });
  if (callback !== undefined) verifyCallback(state, callback, context!);
  regs[0] = proto.ret === 'map_value_or_null' ? pointerReg('map_value_or_null', { map, id: state.nextId++ }) : UNKNOWN_SCALAR;
  for (let i = 1; i <= 5; i++) regs[i] = NOT_INIT;
}

function checkSize(env: Env, state: State, reg: Reg, no: number, zeroOk: boolean, memory: { reg: Reg; no: number; writes: boolean }, name: string): void {
  const r = `R${no}`;
  if (reg.type !== 'scalar') refuse(`${r} type=${reg.type} expected=scalar size (argument ${no} of ${name})`);
  const v = reg.value;
  if (v.smin < 0n) refuse(`${r} min value is negative, either use unsigned or 'var &= const' (argument ${no} of ${name})`);
  if (v.umin === 0n && !zeroOk) refuse(`invalid zero-sized read: ${r} may be 0 (argument ${no} of ${name})`);
  if (v.umax >= BigInt(MAX_MEMORY_ARG)) {
    refuse(`${r} unbounded memory access, use 'var &= const' or 'if (var < const)' (size ${scalarText(v)}, argument ${no} of ${name})`);
  }
  checkMemoryArg(env, state, memory.reg, memory.no, Number(v.umin), Number(v.umax), memory.writes, `${Number(v.umax)} bytes for ${name}`);
}
