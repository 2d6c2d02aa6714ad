// Entry of the WAL checkpoint thread when the server runs from the TypeScript sources (see wal-checkpointer.ts; the
// compiled package starts dist/store/checkpoint-worker.js directly). A worker thread does not inherit its parent's
// module hooks, so it registers tsx itself.
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
await import('./checkpoint-worker.ts');
