/**
 * The egress policy: which addresses the runner (and the webhook sender) may connect to. Public unicast
 * only by default; operators widen it with ranges. Cloud metadata and link-local addresses are never
 * opened by a range, only by an operator naming the exact address, because they hand out the host's
 * own credentials.
 *
 * `check` plugs into `HttpSessionOptions.egressCheck`: the session calls it with the resolved address
 * of every connection (IP literals and redirect hops included), so a name that resolves differently
 * between a check and the connection (DNS rebinding) gains nothing.
 */
import type ipaddr from 'ipaddr.js';
import type { EgressCheck } from '../runner/http/types.ts';
import { HttpError } from '../runner/http/types.ts';
import { type CidrRange, parseRanges } from './cidr.ts';
import { type AddressCategory, type AddressClass, classifyIp, parseIp } from './classify.ts';

export interface EgressPolicyOptions {
  /**
   * Operator ranges (`ASSAY_EGRESS_ALLOW`), as CIDRs or single addresses. The only place where a
   * metadata or link-local address can be allowed, and then only when named exactly (`169.254.169.254`
   * or `169.254.169.254/32`); `169.254.0.0/16` or `0.0.0.0/0` does not open them.
   */
  allow?: readonly string[];
  /**
   * The organisation's own ranges, merged with `allow`. They never open metadata or link-local
   * addresses, whoever set them.
   */
  organisationAllow?: readonly string[];
  /** Ends every refusal message: how this deployment lifts the block. Default: the operator settings. */
  hint?: string;
}

export interface EgressDecision {
  allowed: boolean;
  /** In words a person understands: why it is allowed or refused. */
  reason: string;
  /** `undefined` when the text is not an IP address (always refused). */
  category: AddressCategory | undefined;
  /** Canonical form of the address. */
  address: string;
}

export type UrlDecision =
  | { allowed: true; url: URL; reason: string }
  | { allowed: false; reason: string; category?: AddressCategory };

export interface EgressPolicy {
  /** Pure: whether a connection to `address` is allowed, and why. */
  decide(address: string): EgressDecision;
  /** For `HttpSessionOptions.egressCheck`: throws `HttpError('EGRESS_DENIED')` with a readable message. */
  check: EgressCheck;
  /**
   * Checks a URL before any DNS: scheme, credentials, IP-literal and `localhost` hosts. For webhook
   * registration and imports; connections are still checked one by one by `check`.
   */
  decideUrl(url: string | URL): UrlDecision;
}

const SENSITIVE: ReadonlySet<AddressCategory> = new Set(['metadata', 'link-local']);
const DEFAULT_HINT = 'an operator can allow ranges with ASSAY_EGRESS_ALLOW';
const SENSITIVE_HINT =
  'metadata and link-local addresses stay blocked unless an operator names the exact address in ASSAY_EGRESS_ALLOW';

/** Internal verdict: a refusal keeps its subject and advice apart so that messages can name the host between them. */
interface Verdict extends EgressDecision {
  subject: string;
  advice: string;
}

const BLOCKED = 'egress to private and metadata addresses is blocked';

/** Throws `EgressConfigError` when a range is malformed, so a bad setting stops start-up. */
export function createEgressPolicy(options: EgressPolicyOptions = {}): EgressPolicy {
  const operator = parseRanges(options.allow ?? [], 'ASSAY_EGRESS_ALLOW');
  const organisation = parseRanges(options.organisationAllow ?? [], 'organisation egress allowlist');
  const operatorExact = operator.filter((r) => r.exact);

  function judge(cls: AddressClass): Verdict {
    const subject = `${cls.address} (${describe(cls)})`;
    const base = { category: cls.category, address: cls.address, subject };
    const allow = (reason: string): Verdict => ({ ...base, allowed: true, reason, advice: '' });
    const refuse = (advice: string): Verdict => ({
      ...base,
      allowed: false,
      reason: `${subject}: ${BLOCKED}; ${advice}`,
      advice,
    });
    if (SENSITIVE.has(cls.category)) {
      const named = operatorExact.some((r) => covers(r, cls));
      return named
        ? allow(`${subject} is named in ASSAY_EGRESS_ALLOW`)
        : refuse(options.hint ?? SENSITIVE_HINT);
    }
    if (cls.category === 'public') return allow(subject);
    const byOperator = operator.find((r) => covers(r, cls));
    if (byOperator) return allow(`${subject} is in ${byOperator.text}, allowed by ASSAY_EGRESS_ALLOW`);
    const byOrganisation = organisation.find((r) => covers(r, cls));
    if (byOrganisation) {
      return allow(`${subject} is in ${byOrganisation.text}, allowed by the organisation allowlist`);
    }
    return refuse(options.hint ?? DEFAULT_HINT);
  }

  function verdict(address: string): Verdict | undefined {
    const ip = parseIp(address);
    return ip === undefined ? undefined : judge(classifyIp(ip));
  }

  function decide(address: string): EgressDecision {
    const found = verdict(address);
    if (found === undefined) {
      return { allowed: false, reason: `"${address}" is not an IP address`, category: undefined, address };
    }
    const { allowed, reason, category } = found;
    return { allowed, reason, category, address: found.address };
  }

  const check: EgressCheck = (address, _family, hostname) => {
    const found = verdict(address);
    if (found === undefined) {
      throw new HttpError(
        'EGRESS_DENIED',
        `refused to connect to "${address}" for ${hostname}: not an IP address`,
      );
    }
    if (found.allowed) return;
    // For an IP literal the host is the address itself: naming it twice says nothing.
    const forHost = parseIp(hostname) === undefined ? ` for ${hostname}` : '';
    throw new HttpError(
      'EGRESS_DENIED',
      `refused to connect to ${found.subject}${forHost} — ${BLOCKED}; ${found.advice}`,
    );
  };

  function decideUrl(input: string | URL): UrlDecision {
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
    } catch {
      return { allowed: false, reason: `"${String(input)}" is not a valid URL` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { allowed: false, reason: `the scheme "${url.protocol}" is not allowed (http and https only)` };
    }
    if (url.username !== '' || url.password !== '') {
      return {
        allowed: false,
        reason: 'credentials in the URL (user:password@host) are not accepted; send them in a header',
      };
    }
    const host = url.hostname;
    const literal = verdict(host);
    // RFC 6761: localhost and its subdomains are loopback whatever a resolver says.
    const name = host.replace(/\.$/, '');
    const local = name === 'localhost' || name.endsWith('.localhost');
    const found = literal ?? (local ? verdict('127.0.0.1') : undefined);
    if (found === undefined) {
      return {
        allowed: true,
        url,
        reason: 'every address the host name resolves to is checked on connecting',
      };
    }
    if (found.allowed) return { allowed: true, url, reason: found.reason };
    const shown = literal === undefined ? `${host} (a loopback name)` : found.subject;
    return {
      allowed: false,
      reason: `${shown} is not allowed — ${BLOCKED}; ${found.advice}`,
      category: found.category,
    };
  }

  return { decide, check, decideUrl };
}

/** Does the range hold this address? IPv4 ranges also hold the IPv4-mapped IPv6 spelling of theirs. */
function covers(range: CidrRange, cls: AddressClass): boolean {
  const ip = parseIp(cls.address) as ipaddr.IPv4 | ipaddr.IPv6;
  if (range.network.kind() === ip.kind()) return ip.match(range.network, range.bits);
  if (cls.embedding === 'IPv4-mapped' && cls.embedded !== undefined && range.network.kind() === 'ipv4') {
    return (parseIp(cls.embedded) as ipaddr.IPv4).match(range.network, range.bits);
  }
  return false;
}

/** "metadata address", "loopback address, IPv4-mapped 127.0.0.1". */
function describe(cls: AddressClass): string {
  const carried = cls.embedded === undefined ? '' : `, ${cls.embedding} ${cls.embedded}`;
  return `${cls.description}${carried}`;
}
