import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources: @lanet/* imports resolve through the "@lanet/source" export condition, both in
// vitest's own resolver and in every node process a test starts (`node bin/lanet.js ...`, `node --import tsx ...`).
const SOURCE_CONDITION = '@lanet/source';
if (!process.env.NODE_OPTIONS?.includes(`--conditions=${SOURCE_CONDITION}`)) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--conditions=${SOURCE_CONDITION}`].filter(Boolean).join(' ');
}

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'development|production'] } },
  test: {
    include: ['{contracts,reference-server,reference-agent,conformance,simulator,cli,scripts}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: servers, PostgreSQL and Chromium share them, so keep file-level parallelism modest.
    maxWorkers: 2,
  },
});
