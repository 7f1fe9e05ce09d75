import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './config/config.ts';
import { createContainer } from './container.ts';
import { silentLogger } from './platform/logger.ts';

describe('createContainer', () => {
  it('builds the embedded mode on a PGlite data directory, migrated, and closes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assay-container-'));
    try {
      const config = loadConfig({ ASSAY_DATA_DIR: dir });
      const container = await createContainer({ config, logger: silentLogger() });
      try {
        assert.equal(container.database.kind, 'pglite');
        await container.database.ping();
        assert.deepEqual(await container.database.pendingMigrations(), []);
        assert.equal(container.secretKey.length, 32);
        assert.equal(container.queue('runs'), container.queue('runs'));
        const org = await container.stores.organisations.create({ name: 'A', slug: 'a' });
        assert.equal((await container.stores.organisations.get(org.id))?.name, 'A');
      } finally {
        await container.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
