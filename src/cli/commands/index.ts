// The list of command modules; each registers one `sluice` sub-command on the program.
import type { Command } from 'commander';
import { registerBench } from './bench.js';
import { registerExplain } from './explain.js';
import { registerGen } from './gen.js';
import { registerModel } from './model.js';
import { registerPlugin } from './plugin.js';
import { registerQuery } from './query.js';
import { registerRun } from './run.js';
import { registerServe } from './serve.js';
import { registerTools } from './tools.js';

/** CommandModule adds one sub-command (with its help and examples) to the program. */
export type CommandModule = (program: Command) => void;

export const commandModules: CommandModule[] = [registerQuery, registerExplain, registerGen, registerTools, registerRun, registerServe, registerModel, registerPlugin, registerBench];
