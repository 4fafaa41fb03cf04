// The list of command modules; each registers one `sluice` sub-command on the program.
import type { Command } from 'commander';
import { registerGen } from './gen.js';
import { registerPlugin } from './plugin.js';

/** CommandModule adds one sub-command (with its help and examples) to the program. */
export type CommandModule = (program: Command) => void;

export const commandModules: CommandModule[] = [registerGen, registerPlugin];
