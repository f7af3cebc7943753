import { defineConfig } from 'vitest/config';
import { viteWat } from './scripts/watPlugin.mjs';

// Unit tests sit beside the code they test; integration tests (processes, sockets, files) in test/.
export default defineConfig({
  plugins: [viteWat()],
  test: {
    include: [
      'shared/**/*.test.ts',
      'native-workers/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/src/**/*.test.ts',
      'test/**/*.test.ts',
      'e2e/**/*.test.ts',
    ],
    testTimeout: 60_000,
    // Browser and process tests poll for what a user would wait for; a busy 2-core CI machine is slow.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/globalSetup.ts'],
  },
});
