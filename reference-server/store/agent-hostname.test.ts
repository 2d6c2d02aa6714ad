import { describe, expect, it } from 'vitest';
import { plainHeartbeatWrite } from '../test/heartbeat-write.js';
import { openSqliteStore } from './sqlite-store.js';

describe('an agent renamed by its heartbeats (SQLite store)', () => {
  it('takes the hostname a heartbeat reports, keeps it when one reports none, and pages by the new name', async () => {
    const store = openSqliteStore(':memory:');
    try {
      await store.registerAgent({ fingerprint: 'fp-rename-0123456789abcdef', hostname: 'first-name', tokenHash: 't', newAssetId: 'a', nowMs: 1 });
      const beat = (ts: string, hostname: string | null) => ({ ...plainHeartbeatWrite('a', ts, 2, '{}'), hostname });
      await store.writeHeartbeats([beat('2026-12-02T00:00:00Z', 'renamed')]);
      expect((await store.listAgents())[0]!.hostname).toBe('renamed');
      await store.writeHeartbeats([beat('2026-12-02T00:05:00Z', null), beat('2026-12-02T00:10:00Z', 'renamed')]);
      expect((await store.listAgents())[0]!.hostname).toBe('renamed');
      // FLT-5's hostname index follows the rename (it is updated only when the name changes).
      const page = await store.listAgentPage({ sort: 'hostname', descending: false, limit: 10, search: 'renamed', onlineSinceMs: 0 });
      expect(page.map((r) => r.assetId)).toEqual(['a']);
      expect(await store.listAgentPage({ sort: 'hostname', descending: false, limit: 10, search: 'first', onlineSinceMs: 0 })).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
