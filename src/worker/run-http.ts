/**
 * HTTP options of every server-side run. This is the seam of the SSRF guard: `egressCheck` is called
 * by the engine on the resolved address of every connection (redirect hops included) and refuses
 * private, link-local and metadata addresses unless ASSAY_EGRESS_ALLOW lists them. The guard itself
 * belongs to the security work (`src/core/egress/`); until it is plugged in here, runs are unguarded.
 */
import type { Config } from '../config/config.ts';
import type { EgressCheck, HttpSessionOptions } from '../core/runner/http/types.ts';

/** The SSRF guard for server-side runs; `undefined` means no check (not yet wired). */
export function serverEgressCheck(_config: Config): EgressCheck | undefined {
  return undefined;
}

export function runHttpOptions(config: Config): HttpSessionOptions {
  const egressCheck = serverEgressCheck(config);
  return {
    userAgent: 'assay-server',
    ...(egressCheck ? { egressCheck } : {}),
  };
}
