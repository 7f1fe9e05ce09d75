/**
 * Zod schemas that turn one environment string into a typed value, with messages a person can act on.
 * Every schema accepts `undefined` (unset) and applies its default, so `loadConfig` can list every
 * problem at once.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { EgressConfigError, parseCidr } from '../core/egress/cidr.ts';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `15m`, `12h`, `7d`, or a bare number of seconds. Returns milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const unit = DURATION_UNITS[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * unit);
}

export function integer(options: { default: number; min: number; max: number }) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return options.default;
      const n = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || n < options.min || n > options.max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number from ${options.min} to ${options.max} (got "${value}")`,
        });
        return z.NEVER;
      }
      return n;
    });
}

/** Like `integer`, but unset stays null (the setting is off, or follows another one). */
export function optionalInteger(options: { min: number; max: number }) {
  return z
    .string()
    .optional()
    .transform((value, ctx): number | null => {
      if (value === undefined) return null;
      const n = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || n < options.min || n > options.max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number from ${options.min} to ${options.max} (got "${value}")`,
        });
        return z.NEVER;
      }
      return n;
    });
}

export function duration(options: { default: string; minMs: number; maxMs: number }) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ms = parseDuration(value ?? options.default);
      if (ms === undefined || ms < options.minMs || ms > options.maxMs) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration such as 30s, 15m, 12h or 7d, from ${formatMs(options.minMs)} to ${formatMs(options.maxMs)} (got "${value}")`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

function formatMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z
    .string()
    .optional()
    .transform((value, ctx): T[number] => {
      if (value === undefined) return fallback;
      const lower = value.trim().toLowerCase();
      if ((values as readonly string[]).includes(lower)) return lower as T[number];
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')} (got "${value}")` });
      return z.NEVER;
    });
}

/** A URL whose scheme is one of `protocols`; the value is not echoed, since URLs carry passwords. */
export function url(protocols: readonly string[]) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return null;
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a URL starting with ${protocols.join(' or ')}` });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol.replace(/:$/, '') + '://')) {
        ctx.addIssue({
          code: 'custom',
          message: `must start with ${protocols.join(' or ')} (got ${parsed.protocol}//…)`,
        });
        return z.NEVER;
      }
      return value;
    });
}

/** Comma-separated list, blanks dropped, each item checked by `check` (returns a problem or undefined). */
export function list(check: (item: string) => string | undefined) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const items = (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      for (const item of items) {
        const problem = check(item);
        if (problem) ctx.addIssue({ code: 'custom', message: `"${item}": ${problem}` });
      }
      return items;
    });
}

export function checkOrigin(item: string): string | undefined {
  if (item === '*') return 'a wildcard cannot be used with credentials; list the origins';
  try {
    const parsed = new URL(item);
    if (parsed.origin !== item) return `is not an origin; write it as ${parsed.origin}`;
    return undefined;
  } catch {
    return 'is not an origin such as https://app.example.com';
  }
}

export function checkCidr(item: string): string | undefined {
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return 'is not an IP address or CIDR range such as 10.0.0.0/8';
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  if (!/^\d+$/.test(prefix) || bits > max) return `prefix length must be 0 to ${max}`;
  return undefined;
}

/** An egress allowlist entry, held to the guard's own rules (a host part in a range, zone ids … are refused). */
export function checkEgressRange(item: string): string | undefined {
  try {
    parseCidr(item, 'ASSAY_EGRESS_ALLOW');
    return undefined;
  } catch (error) {
    if (!(error instanceof EgressConfigError)) throw error;
    return error.message.replace(/^ASSAY_EGRESS_ALLOW: "[^"]*" /, '');
  }
}

/** Express's `trust proxy`: false, true, a number of hops, or a list of addresses/ranges. */
export type TrustProxy = boolean | number | string[];

export function trustProxy() {
  return z
    .string()
    .optional()
    .transform((value, ctx): TrustProxy => {
      const text = (value ?? 'false').trim().toLowerCase();
      if (text === 'false' || text === '0') return false;
      if (text === 'true') return true;
      if (/^\d+$/.test(text)) return Number(text);
      const items = text.split(',').map((item) => item.trim());
      const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
      for (const item of items) {
        if (named.has(item)) continue;
        const problem = checkCidr(item);
        if (problem) {
          ctx.addIssue({
            code: 'custom',
            message: `must be false, true, a number of proxy hops, or a list of addresses ("${item}" ${problem})`,
          });
        }
      }
      return items;
    });
}

/** 32 bytes, as 64 hex digits or base64 (standard or URL-safe). The value is never echoed. */
export function secretKey() {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return null;
      const key = decodeKey(value.trim());
      if (!key) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be 32 random bytes written as 64 hex digits or base64 (generate one with: openssl rand -base64 32)',
        });
        return z.NEVER;
      }
      return key;
    });
}

export function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text, 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}
