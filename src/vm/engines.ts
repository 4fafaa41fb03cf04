// The one list of engines every conformance run, plugin call and bench iterates over.
import type { Engine, EngineName } from './engine.js';
import { Interpreter } from './interpreter.js';
import { jitEngine } from './jit/engine.js';

/** ENGINES lists every engine, interpreter first (the reference the others are compared with). */
export const ENGINES: readonly Engine[] = [new Interpreter(), jitEngine];

/** engineNames lists the names `engineByName` accepts. */
export function engineNames(): EngineName[] {
  return ENGINES.map((engine) => engine.name);
}

/** engineByName returns the engine called `name`, or undefined. */
export function engineByName(name: string): Engine | undefined {
  return ENGINES.find((engine) => engine.name === name);
}
