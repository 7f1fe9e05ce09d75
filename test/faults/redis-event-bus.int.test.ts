/**
 * Pub/sub across a Redis restart, on a private redis-server: subscriptions made before Redis was
 * killed receive messages published after it is back, without anyone subscribing again. Messages
 * published during the outage are lost (at most once), which the port allows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRedisAdapters, type RedisAdapters } from '../../src/adapters/redis/redis-adapters.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { type OwnRedisServer, startRedisServer } from '../support/redis.ts';

describe('EventBus across a Redis restart', () => {
  let server: OwnRedisServer;
  let api: RedisAdapters;
  let worker: RedisAdapters;
  before(async () => {
    server = await startRedisServer();
    // Two processes' worth of connections: one subscribes (an API replica), the other publishes.
    api = await openRedisAdapters({ uri: server.uri, logger: silentLogger(), processName: 'api' });
    worker = await openRedisAdapters({ uri: server.uri, logger: silentLogger(), processName: 'worker' });
  });
  after(async () => {
    await api?.close();
    await worker?.close();
    await server?.stop();
  });

  it('re-subscribes by itself after Redis restarts', async () => {
    const received: unknown[] = [];
    const other: unknown[] = [];
    await api.events.subscribe('run:1', (message) => received.push(message));
    await api.events.subscribe('run:2', (message) => other.push(message));
    await worker.events.publish('run:1', { seq: 1 });
    for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(received, [{ seq: 1 }]);

    await server.kill();
    await assert.rejects(worker.events.publish('run:1', { seq: 'lost' }));
    await server.start();

    // Publish until a message arrives: the subscriber reconnects on its own backoff schedule.
    let seq = 2;
    for (let i = 0; i < 300; i++) {
      await worker.events.publish('run:1', { seq }).catch(() => undefined);
      await worker.events.publish('run:2', { seq }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      if (received.length > 1 && other.length > 1) break;
      seq += 1;
    }
    assert.ok(received.length > 1, 'no message after the restart on the first channel');
    assert.ok(other.length > 1, 'no message after the restart on the second channel');
    assert.ok(!received.some((m) => (m as { seq: unknown }).seq === 'lost'));
  });
});
