/** Embedded replay protection: remembered nonces with their expiry, swept periodically. */
import type { NonceStore } from '../../ports/nonce-store.ts';

export function createMemoryNonceStore(
  options: { now?: () => number; sweepIntervalMs?: number } = {},
): NonceStore {
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  const sweep = setInterval(() => {
    const at = now();
    for (const [key, expiresAt] of seen) if (expiresAt <= at) seen.delete(key);
  }, options.sweepIntervalMs ?? 60_000);
  sweep.unref();

  return {
    async setIfAbsent(key, ttlMs) {
      const expiresAt = seen.get(key);
      if (expiresAt !== undefined && expiresAt > now()) return false;
      seen.set(key, now() + ttlMs);
      return true;
    },
    async close() {
      clearInterval(sweep);
      seen.clear();
    },
  };
}
