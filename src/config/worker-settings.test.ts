/** The settings of the worker role: who executes runs, worker concurrency, the per-organisation cap, the health port. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const DISTRIBUTED = {
  REDIS_URI: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://assay@db/assay',
  ASSAY_SECRET_KEY: 'ab'.repeat(32),
};

describe('worker settings', () => {
  it('lets the server execute runs in embedded mode and leaves them to workers in distributed mode', () => {
    assert.equal(loadConfig({}).runs.executeInServer, true);
    assert.equal(loadConfig(DISTRIBUTED).runs.executeInServer, false);
    assert.equal(loadConfig({ ...DISTRIBUTED, ASSAY_EXECUTE_RUNS: 'true' }).runs.executeInServer, true);
    assert.equal(loadConfig({ ASSAY_EXECUTE_RUNS: 'FALSE' }).runs.executeInServer, false);
  });

  it('defaults the worker concurrency to ASSAY_RUN_CONCURRENCY, with no cap and no health port', () => {
    const config = loadConfig({ ...DISTRIBUTED, ASSAY_RUN_CONCURRENCY: '6' });
    assert.equal(config.worker.concurrency, 6);
    assert.equal(config.worker.port, null);
    assert.equal(config.runs.perOrganisationConcurrency, null);
    const set = loadConfig({
      ...DISTRIBUTED,
      ASSAY_WORKER_CONCURRENCY: '12',
      ASSAY_WORKER_PORT: '9090',
      ASSAY_RUN_CONCURRENCY_PER_ORGANISATION: '3',
    });
    assert.equal(set.worker.concurrency, 12);
    assert.equal(set.worker.port, 9090);
    assert.equal(set.runs.perOrganisationConcurrency, 3);
  });

  it('names every bad value', () => {
    assert.throws(
      () =>
        loadConfig({
          ASSAY_EXECUTE_RUNS: 'sometimes',
          ASSAY_WORKER_CONCURRENCY: '0',
          ASSAY_WORKER_PORT: 'http',
          ASSAY_RUN_CONCURRENCY_PER_ORGANISATION: '-1',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.setting).sort(), [
          'ASSAY_EXECUTE_RUNS',
          'ASSAY_RUN_CONCURRENCY_PER_ORGANISATION',
          'ASSAY_WORKER_CONCURRENCY',
          'ASSAY_WORKER_PORT',
        ]);
        return true;
      },
    );
  });
});
