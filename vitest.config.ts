import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file per core, not vitest's default of one fewer: an end-to-end file spends most of
    // its time waiting on the CLI it spawned (and the simulator's latency), so on 2 cores the
    // default of 1 worker leaves a core idle most of the run.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
