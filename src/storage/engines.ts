// Resolves an engine name: the vm layer's engines, or the Linux kernel (hook programs only), with a usage error for unknown names.
import type { Engine } from '../vm/engine.js';
import { engineByName, engineNames } from '../vm/engines.js';
import { UsageError } from '../util/errors.js';
import { kernelEngine } from './kernel-engine.js';

/** resolveEngine returns the engine called `name`; an unknown name is a usage error listing the known ones. */
export function resolveEngine(name: string): Engine {
  if (name === kernelEngine.name) return kernelEngine;
  const engine = engineByName(name);
  if (!engine) throw new UsageError(`unknown engine '${name}' (engines: ${[...engineNames(), kernelEngine.name].join(', ')})`);
  return engine;
}
