// Entry of the ingest thread when the server runs from the TypeScript sources (see ingest-thread.ts; the compiled
// package starts dist/ingest/ingest-worker.js directly). A worker thread does not inherit its parent's module hooks,
// so it registers tsx and the "@lanet/source" export condition (@lanet/* imports -> sibling sources) itself.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('data:text/javascript,export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "@lanet/source"] }); }');
await import('./ingest-worker.ts');
