import { defineConfig } from 'vitest/config';

/**
 * Test files that start bot processes (`src/main.ts`, the simulator's CLI): each of them loads the two cores on
 * its own, so they run one file at a time, after every in-process test has finished.
 */
const PROCESS_TESTS = [
  'test/browser/live-view.test.ts',
  'test/cluster/instances.test.ts',
  'test/faults/kill.test.ts',
  'test/faults/lost-photo-kill.test.ts',
  'test/faults/startup.test.ts',
  'test/simulator/cli.test.ts',
  'test/store/crash.test.ts',
  'test/tools/try.test.ts',
];

const shared = {
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 20_000,
  hookTimeout: 20_000,
  pool: 'forks' as const,
  env: { NO_COLOR: '1' },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'in-process',
          include: ['test/**/*.test.ts'],
          exclude: PROCESS_TESTS,
          // Vitest's default is cores - 1, one worker on a 2-core runner; these files mostly wait (loopback
          // servers, Telegram retry_after), so two workers halve the wall time without starving either.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'processes',
          include: PROCESS_TESTS,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
