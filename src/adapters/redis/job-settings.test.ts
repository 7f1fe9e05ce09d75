import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconnectDelay, redactRedisUri } from './connection.ts';
import { DEFAULT_QUEUE_SETTINGS, toBullJobId, toBullPriority } from './job-settings.ts';

describe('Redis adapter settings', () => {
  it('maps the port priorities onto one BullMQ scale, lower first, never "none"', () => {
    assert.ok(toBullPriority(-5) < toBullPriority(0));
    assert.ok(toBullPriority(0) < toBullPriority(10));
    assert.equal(toBullPriority(-10_000_000), 1);
    assert.equal(toBullPriority(10_000_000), 2_097_152);
    assert.equal(toBullPriority(), toBullPriority(0));
  });

  it('escapes job ids that BullMQ would refuse, reversibly distinct', () => {
    assert.equal(toBullJobId('run:abc:1'), 'j.run%3Aabc%3A1');
    assert.equal(toBullJobId('42'), 'j.42');
    assert.notEqual(toBullJobId('a:b'), toBullJobId('a%3Ab'));
    for (const id of ['run:x:0', '7', 'a:b:c:d']) assert.ok(!toBullJobId(id).includes(':'));
  });

  it('recovers a killed worker within 35 s: lock duration + stalled interval', () => {
    const { lockDurationMs, stalledIntervalMs, maxStalledCount } = DEFAULT_QUEUE_SETTINGS;
    assert.ok(lockDurationMs + stalledIntervalMs <= 35_000);
    assert.ok(maxStalledCount >= 1);
  });

  it('backs off reconnections exponentially to a ceiling, with jitter', () => {
    assert.equal(
      reconnectDelay(0, () => 0),
      100,
    );
    assert.equal(
      reconnectDelay(1, () => 0),
      200,
    );
    assert.equal(
      reconnectDelay(20, () => 0),
      3_000,
    );
    assert.equal(
      reconnectDelay(20, () => 1),
      3_600,
    );
  });

  it('keeps passwords out of logged URIs', () => {
    assert.equal(redactRedisUri('redis://user:secret@host:6379/0'), 'redis://user:***@host:6379/0');
    assert.equal(redactRedisUri('redis://host:6379'), 'redis://host:6379');
  });
});
