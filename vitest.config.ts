import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Vitest's default is cores - 1, one worker on a 2-core runner; the slow files mostly wait (subprocesses,
    // loopback servers, Telegram retry_after), so two workers halve the wall time without starving either.
    maxWorkers: 2,
    env: { NO_COLOR: '1' },
  },
});
