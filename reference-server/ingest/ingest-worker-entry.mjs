// Entry of the ingest thread (see ingest-thread.ts). The project is TypeScript run through tsx with no build step,
// and a worker thread does not inherit its parent's module loader, so the thread registers tsx itself first.
import { register } from 'tsx/esm/api';

register();
await import('./ingest-worker.ts');
