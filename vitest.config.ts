// Vitest configuration: tests live under test/, mirroring src/.
import { defineConfig } from 'vitest/config';
import { inlineConstEnums } from './test/inline-const-enums.js';

export default defineConfig({
  plugins: [inlineConstEnums(new URL('./src', import.meta.url).pathname)],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
