/**
 * IP allowlists: CIDR ranges (IPv4 and IPv6) an API key or a whole organisation may be used from. An
 * empty list allows every address. Entries are parsed strictly, as the egress allowlist is (one
 * spelling means one range: `10.1.2.3/8` is refused with a suggestion), and the client address is
 * normalised first, so an IPv4-mapped IPv6 socket address (`::ffff:192.0.2.7`, what a dual-stack
 * listener reports) matches the IPv4 range that names it.
 *
 * The organisation list lives in the organisation's settings under `ip_allowlist`; it is changed
 * through its own endpoint, which validates it, refuses a list that would lock the caller out, and
 * audits the change.
 */
import ipaddr from 'ipaddr.js';
import { type CidrRange, EgressConfigError, parseCidr } from '../core/egress/cidr.ts';
import { NotFoundError, UnprocessableError } from '../platform/errors.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Cache } from '../ports/cache.ts';
import type { Organisation, OrganisationStore } from '../ports/organisation-store.ts';
import type { AuditContext } from './access.ts';

export const ORGANISATION_ALLOWLIST_SETTING = 'ip_allowlist';
/** More entries than this is a sign of a list that belongs in a firewall. */
export const MAX_ALLOWLIST_ENTRIES = 100;
/** Requests read the organisation list through the cache; a change deletes the entry everywhere. */
const CACHE_TTL_MS = 10_000;

/** The canonical address of `text` (IPv4-mapped IPv6 unwrapped), or null when it is not an address. */
export function normaliseIp(text: string | null | undefined): string | null {
  if (!text) return null;
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare) || bare.includes('%')) return null;
  const ip = ipaddr.process(bare);
  return ip.kind() === 'ipv4' ? ip.toString() : (ip as ipaddr.IPv6).toRFC5952String();
}

/**
 * Parses entries into canonical `address/bits` ranges; every bad entry is reported at once, under
 * `path[index]`.
 */
export function parseAllowlist(entries: readonly string[], path: string): string[] {
  const problems: { path: string; message: string; code: string }[] = [];
  const ranges: string[] = [];
  if (entries.length > MAX_ALLOWLIST_ENTRIES) {
    problems.push({
      path,
      message: `lists ${entries.length} ranges; at most ${MAX_ALLOWLIST_ENTRIES}`,
      code: 'too_big',
    });
  }
  entries.forEach((entry, index) => {
    try {
      ranges.push(parseCidr(entry.trim(), `${path}[${index}]`).text);
    } catch (error) {
      if (!(error instanceof EgressConfigError)) throw error;
      problems.push({ path: `${path}[${index}]`, message: error.message, code: 'invalid_cidr' });
    }
  });
  if (problems.length > 0) throw new UnprocessableError(problems, { code: 'invalid_ip_allowlist' });
  return [...new Set(ranges)];
}

function compile(entries: readonly string[]): CidrRange[] {
  const ranges: CidrRange[] = [];
  for (const entry of entries) {
    try {
      ranges.push(parseCidr(entry));
    } catch {
      // A stored entry that no longer parses matches nothing: an allowlist fails closed.
    }
  }
  return ranges;
}

/** True when `ip` is inside one of the ranges, or the list is empty. A missing address never matches. */
export function allowlistPermits(entries: readonly string[], ip: string | null): boolean {
  if (entries.length === 0) return true;
  const normalised = normaliseIp(ip);
  if (!normalised) return false;
  const address = ipaddr.parse(normalised);
  return compile(entries).some(
    (range) => range.network.kind() === address.kind() && address.match(range.network, range.bits),
  );
}

/** The organisation's list as stored in its settings; anything but an array of strings reads as empty. */
export function organisationAllowlist(organisation: Pick<Organisation, 'settings'>): string[] {
  const value = organisation.settings[ORGANISATION_ALLOWLIST_SETTING];
  if (!Array.isArray(value)) return [];
  // Non-string entries are kept as text so that they match nothing rather than vanish (fail closed).
  return value.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry)));
}

function cacheKey(organisationId: string): string {
  return `org:${organisationId}:ip-allowlist`;
}

/** The organisation's list for a request: cached briefly, so requests do not read the organisation. */
export function loadOrganisationAllowlist(
  deps: { organisations: OrganisationStore; cache: Cache },
  organisationId: string,
): Promise<string[]> {
  return deps.cache.getOrLoad(cacheKey(organisationId), CACHE_TTL_MS, async () => {
    const organisation = await deps.organisations.get(organisationId);
    return organisation ? organisationAllowlist(organisation) : [];
  });
}

export async function getOrganisationAllowlist(
  deps: { organisations: OrganisationStore },
  organisationId: string,
): Promise<string[]> {
  const organisation = await deps.organisations.get(organisationId);
  if (!organisation) throw new NotFoundError('organisation');
  return organisationAllowlist(organisation);
}

/**
 * Replaces the organisation's list. A list that would refuse the caller's own address is refused
 * (422 `allowlist_excludes_caller`): an admin who locks everyone out cannot undo it over the API.
 */
export async function setOrganisationAllowlist(
  deps: { organisations: OrganisationStore; audit: AuditLog; cache: Cache },
  context: AuditContext,
  entries: readonly string[],
): Promise<string[]> {
  const ranges = parseAllowlist(entries, 'body.ranges');
  if (!allowlistPermits(ranges, context.ip)) {
    throw new UnprocessableError(
      [
        {
          path: 'body.ranges',
          message: `does not include your own address (${context.ip ?? 'unknown'}); add it, or you would be locked out`,
          code: 'allowlist_excludes_caller',
        },
      ],
      { code: 'allowlist_excludes_caller' },
    );
  }
  const organisation = await deps.organisations.get(context.organisationId);
  if (!organisation) throw new NotFoundError('organisation');
  const current = organisationAllowlist(organisation);
  const settings: Record<string, unknown> = { ...organisation.settings };
  if (ranges.length === 0) delete settings[ORGANISATION_ALLOWLIST_SETTING];
  else settings[ORGANISATION_ALLOWLIST_SETTING] = ranges;
  await deps.organisations.update(context.organisationId, { settings });
  await deps.cache.delete(cacheKey(context.organisationId));
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: 'organisation.ip_allowlist_changed',
    target: { type: 'organisation', id: context.organisationId },
    data: { from: current, to: ranges },
    ip: context.ip,
  });
  return ranges;
}
