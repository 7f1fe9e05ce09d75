/**
 * HTTP options of every server-side run, with the SSRF guard: `egressCheck` is called by the engine on
 * the resolved address of every connection (IP literals and redirect hops included) and refuses
 * loopback, private, link-local and metadata addresses unless ASSAY_EGRESS_ALLOW lists them
 * (`src/core/egress/`, docs/security.md).
 */
import type { Config } from '../config/config.ts';
import { createEgressPolicy } from '../core/egress/policy.ts';
import type { EgressCheck, HttpSessionOptions } from '../core/runner/http/types.ts';

/** The SSRF guard for server-side runs; built once, so a bad allowlist stops the process at start. */
export function serverEgressCheck(config: Config): EgressCheck {
  return createEgressPolicy({ allow: config.security.egressAllow }).check;
}

export function runHttpOptions(config: Config): HttpSessionOptions {
  return { userAgent: 'assay-server', egressCheck: serverEgressCheck(config) };
}
