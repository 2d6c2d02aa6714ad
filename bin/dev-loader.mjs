// Lets plain `node` run this repository's TypeScript sources: tsx compiles them, and the "@lanet/source" condition
// sends @lanet/* package imports to the sources of the sibling workspaces. Installed packages need neither.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./source-condition-hook.mjs', import.meta.url);
