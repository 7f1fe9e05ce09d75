/**
 * Replay protection shared by every API process: `SET key 1 NX PX ttl` accepts a nonce once.
 * Fails closed: when Redis cannot be asked, the call throws an OperationalError (503) and the signed
 * request is refused. Answering "not seen" without asking would let a captured request be replayed.
 */
import type { NonceStore } from '../../ports/nonce-store.ts';
import type { RedisClient } from './connection.ts';
import { withDeadline } from './errors.ts';

export interface RedisNonceStoreOptions {
  /** A `commands` client (no offline queue). Owned by the caller. */
  client: RedisClient;
  /** Namespace of the nonce keys, e.g. `assay:nonce:`. */
  keyPrefix: string;
  /** Deadline of one check; default 1000 ms. */
  timeoutMs?: number;
}

export function createRedisNonceStore(options: RedisNonceStoreOptions): NonceStore {
  const { client, keyPrefix } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  return {
    async setIfAbsent(key, ttlMs) {
      const reply = await withDeadline('nonce SET NX', timeoutMs, () =>
        client.set(`${keyPrefix}${key}`, '1', {
          condition: 'NX',
          expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
        }),
      );
      return reply === 'OK';
    },
    async close() {},
  };
}
