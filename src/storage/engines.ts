// Resolves an engine name through the vm layer's one engine list, with a usage error for unknown names.
import type { Engine } from '../vm/engine.js';
import { engineByName, engineNames } from '../vm/engines.js';
import { UsageError } from '../util/errors.js';

/** resolveEngine returns the engine called `name`; an unknown name is a usage error listing the known ones. */
export function resolveEngine(name: string): Engine {
  const engine = engineByName(name);
  if (!engine) throw new UsageError(`unknown engine '${name}' (engines: ${engineNames().join(', ')})`);
  return engine;
}
