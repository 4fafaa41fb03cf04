// Resolves an engine name to the vm layer's engine, so every tenant's engine comes from one place.
import type { Engine, EngineName } from '../vm/engine.js';
import { Interpreter } from '../vm/interpreter.js';
import { jitEngine } from '../vm/jit/engine.js';
import { UsageError } from '../util/errors.js';

const ENGINES: Readonly<Record<EngineName, Engine>> = {
  interpreter: new Interpreter(),
  jit: jitEngine,
};

/** resolveEngine returns the engine called `name`; an unknown name is a usage error listing the known ones. */
export function resolveEngine(name: string): Engine {
  const engine = (ENGINES as Record<string, Engine | undefined>)[name];
  if (!engine) throw new UsageError(`unknown engine '${name}' (engines: ${Object.keys(ENGINES).join(', ')})`);
  return engine;
}
