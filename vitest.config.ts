import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code they test; integration tests (processes, sockets, files) in test/.
export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'native-workers/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/globalSetup.ts'],
  },
});
