import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{contracts,reference-server,reference-agent,conformance,simulator,cli}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: servers, PostgreSQL and Chromium share them, so keep file-level parallelism modest.
    maxWorkers: 2,
  },
});
