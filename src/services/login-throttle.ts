/**
 * Sign-in throttling with backoff, per account (the email as typed, whether or not an account has it)
 * and per client address. Each attempt counts in three fixed windows per dimension — `n` per minute,
 * `2n` per 15 minutes, `4n` per hour — so an attacker who keeps going waits a minute, then a quarter
 * of an hour, then an hour: a stepped backoff built from plain counters that every API process
 * shares (RateLimitStore). A successful sign-in takes its attempt back, so people who type their
 * password right are never throttled by their own successes.
 *
 * Unknown emails are counted exactly like known ones and the refusal (429 + Retry-After) is decided
 * before any account is read, so the throttle says nothing about which emails exist. When the
 * counters cannot be reached the store throws (503): sign-in fails closed rather than unthrottled.
 */
import { createHash } from 'node:crypto';
import { RateLimitedError } from '../platform/errors.ts';
import type { RateLimitStore } from '../ports/rate-limit-store.ts';

const MINUTE = 60_000;
/** Windows and their multiple of the per-minute allowance. */
const TIERS = [
  { name: '1m', windowMs: MINUTE, factor: 1 },
  { name: '15m', windowMs: 15 * MINUTE, factor: 2 },
  { name: '1h', windowMs: 60 * MINUTE, factor: 4 },
] as const;

export interface LoginThrottleOptions {
  limits: RateLimitStore;
  /** Attempts per minute for one email (the longer windows allow 2× and 4×). */
  perAccount: number;
  /** Attempts per minute from one client address, any email. */
  perIp: number;
  now?: () => number;
}

export interface LoginAttempt {
  /** Takes the attempt back (the sign-in succeeded). */
  succeeded(): Promise<void>;
}

export interface LoginThrottle {
  /** Counts an attempt; throws RateLimitedError when the email or the address must wait. */
  attempt(input: { email: string | null; ip: string | null }): Promise<LoginAttempt>;
}

/** The email is hashed so the counters' keys hold no personal data. */
function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const now = options.now ?? Date.now;
  return {
    async attempt({ email, ip }) {
      const dimensions: { key: string; limit: number }[] = [
        { key: `login:ip:${ip ?? 'unknown'}`, limit: options.perIp },
      ];
      if (email) dimensions.push({ key: `login:account:${accountKey(email)}`, limit: options.perAccount });
      const counted: string[] = [];
      let retryAfterMs = 0;
      for (const dimension of dimensions) {
        for (const tier of TIERS) {
          const key = `${dimension.key}:${tier.name}`;
          const hit = await options.limits.hit(key, tier.windowMs);
          counted.push(key);
          if (hit.count > dimension.limit * tier.factor) {
            retryAfterMs = Math.max(retryAfterMs, hit.resetAt.getTime() - now());
          }
        }
      }
      if (retryAfterMs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(retryAfterMs / 1000)));
      return {
        async succeeded() {
          await Promise.all(counted.map((key) => options.limits.undo(key)));
        },
      };
    },
  };
}
