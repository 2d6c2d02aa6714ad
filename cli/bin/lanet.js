#!/usr/bin/env node
// The `lanet` bin of @lanet/cli. Installed from npm it runs the compiled dist/lanet.js; inside the repository, where
// the TypeScript sources sit beside it (and dist/ may be stale or absent), it runs those through the dev loader.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../lanet.ts', import.meta.url))) await import(new URL('../../bin/lanet.js', import.meta.url).href);
else await import('../dist/lanet.js');
