/** Tier 3: the tripwire itself. The predicate is pure; the one connect attempt aims at a name that cannot resolve. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { installTripwire, isLoopbackTarget } from './ssrf-tripwire.ts';

describe('ssrf tripwire', () => {
  it('lets loopback through and nothing else (predicate only, no sockets)', () => {
    for (const host of [
      '127.0.0.1',
      '127.0.0.2',
      '127.255.255.254',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      'localhost',
    ]) {
      assert.equal(isLoopbackTarget(host), true, host);
    }
    for (const host of [
      '10.0.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '::',
      '::ffff:a9fe:a9fe',
      'fe80::1',
      'example.test',
    ]) {
      assert.equal(isLoopbackTarget(host), false, host);
    }
  });

  it('throws before connecting to a non-loopback target, and uninstalls', () => {
    const wire = installTripwire();
    try {
      const socket = new net.Socket();
      assert.throws(() => socket.connect({ host: 'tripwire.invalid', port: 9 }), /ssrf tripwire/);
      socket.destroy();
      assert.throws(() => net.connect(9, 'tripwire.invalid'), /ssrf tripwire/);
      assert.deepEqual(wire.tripped, ['tripwire.invalid', 'tripwire.invalid']);
    } finally {
      wire.uninstall();
    }
  });
});
