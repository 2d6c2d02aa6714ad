#!/usr/bin/env node
// `lanet` from a clone of the repository: runs the TypeScript sources (no build step). Installed, the command is
// @lanet/cli's compiled bin instead (cli/bin/lanet.js -> cli/dist/lanet.js).
import './dev-loader.mjs';

await import('../cli/lanet.ts');
