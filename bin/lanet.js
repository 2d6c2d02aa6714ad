#!/usr/bin/env node
// Shim: the project is TypeScript run through tsx's loader (no build step), so `npx lanet` works from a clone.
import { register } from 'tsx/esm/api';

register();
await import('../cli/lanet.ts');
