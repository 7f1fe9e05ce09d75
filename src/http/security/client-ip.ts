/**
 * The client address, the one every control uses (audit entries, IP allowlists, rate limits, sign-in
 * throttling, last-used address of keys). It is the socket's peer address unless ASSAY_TRUST_PROXY
 * names the proxies in front of the server (a hop count, or addresses and CIDR ranges): only then is
 * `X-Forwarded-For` read, and only the entries those proxies appended. A client talking to the server
 * directly cannot choose its address by sending the header. The address is normalised, so an
 * IPv4-mapped IPv6 peer (`::ffff:203.0.113.7`, from a dual-stack socket) reads as `203.0.113.7`.
 */
import type { Request } from 'express';
import { normaliseIp } from '../../services/ip-allowlist.ts';

/** Express computes `req.ip` from `trust proxy` (set from ASSAY_TRUST_PROXY in `app.ts`). */
export function clientIp(req: Request): string | null {
  return normaliseIp(req.ip ?? req.socket.remoteAddress ?? null);
}
