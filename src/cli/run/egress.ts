/**
 * `assay run --egress-guard`: the server's SSRF guard for a local run. Off by default, since a local run
 * usually targets localhost or a private network on purpose; on, it refuses private, loopback and
 * metadata addresses except the ranges given with `--egress-allow`.
 */
import type { EgressCheck } from '../../core/runner/http/types.ts';
import { UsageError } from '../command.ts';
import { strings } from '../values.ts';

export async function egressCheckFor(values: Record<string, unknown>): Promise<EgressCheck | undefined> {
  const allowed = strings(values['egress-allow']);
  if (values['egress-guard'] !== true && allowed.length === 0) return undefined;
  // Loaded only when asked for, like the engine.
  const { EgressConfigError, parseCidrList } = await import('../../core/egress/cidr.ts');
  const { createEgressPolicy } = await import('../../core/egress/policy.ts');
  let allow: string[];
  try {
    allow = allowed.flatMap((text) => parseCidrList(text, '--egress-allow'));
  } catch (error) {
    if (error instanceof EgressConfigError) throw new UsageError(error.message);
    throw error;
  }
  return createEgressPolicy({
    allow,
    hint: 'the run has --egress-guard on: allow a range with --egress-allow CIDR, or run without the guard',
  }).check;
}
