// Vitest configuration: tests live under test/, mirroring src/.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { inlineConstEnums } from './test/inline-const-enums.js';

export default defineConfig({
  plugins: [inlineConstEnums(new URL('./src', import.meta.url).pathname)],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // One worker per core: Vitest's default leaves a core to its main process, which has little to do here (on 2 cores: one worker).
    // Files stay isolated (a fresh process each): some keep state in modules, such as the CLI tests' cache folder.
    maxWorkers: availableParallelism(),
  },
});
