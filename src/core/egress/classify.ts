/**
 * What kind of address a connection would go to. Spellings are normalised first, the way the HTTP
 * session sees them: IPv4 hosts through the WHATWG URL parser (so `2130706433`, `0x7f.1`, `0177.0.0.1`
 * and `127.1` are all 127.0.0.1, and `012.0.0.1` is 10.0.0.1), IPv6 with brackets and zone ids removed.
 * IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, IPv4-compatible) are judged by the IPv4
 * address they carry, since that is where the packets end up.
 */
import ipaddr from 'ipaddr.js';

export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'metadata'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'documentation'
  | 'benchmark'
  | 'reserved';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface AddressClass {
  /** Canonical text: dotted-quad IPv4, or RFC 5952 IPv6 without zone id. */
  address: string;
  family: 4 | 6;
  category: AddressCategory;
  /** The category in words, for messages: "loopback address", "metadata address" … */
  description: string;
  /** Which range or service, when it says more than the category: "RFC 1918", "AWS ECS task credentials". */
  note?: string;
  /** For an IPv6 form carrying an IPv4 address: that address, which decided the category. */
  embedded?: string;
  /** How it was carried: "IPv4-mapped", "NAT64", "6to4", "IPv4-compatible", "IPv4-translated". */
  embedding?: string;
}

interface Range {
  network: IpAddress;
  bits: number;
  category: AddressCategory;
  note: string | undefined;
}

function range(cidr: string, category: AddressCategory, note?: string): Range {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return { network, bits, category, note };
}

const DESCRIPTIONS: Record<AddressCategory, string> = {
  public: 'public address',
  loopback: 'loopback address',
  private: 'private address',
  cgnat: 'CGNAT address',
  'link-local': 'link-local address',
  metadata: 'metadata address',
  'unique-local': 'unique-local address',
  multicast: 'multicast address',
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  documentation: 'documentation address',
  benchmark: 'benchmarking address',
  reserved: 'reserved address',
};

/** First match wins, so the exact metadata addresses come before the ranges that contain them. */
const IPV4_RANGES: readonly Range[] = [
  // Cloud instance metadata and credential endpoints.
  range('169.254.169.254/32', 'metadata', 'AWS, GCP, Azure, OpenStack, Oracle …'),
  range('169.254.170.2/32', 'metadata', 'AWS ECS task credentials'),
  range('169.254.170.23/32', 'metadata', 'AWS EKS pod identity'),
  range('169.254.0.23/32', 'metadata', 'Tencent Cloud'),
  range('100.100.100.200/32', 'metadata', 'Alibaba Cloud'),
  range('192.0.0.192/32', 'metadata', 'Oracle Cloud'),
  // Azure's WireServer sits in public space but hands out VM configuration and keys.
  range('168.63.129.16/32', 'metadata', 'Azure WireServer'),
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private', 'RFC 1918'),
  range('100.64.0.0/10', 'cgnat', 'RFC 6598 shared address space'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private', 'RFC 1918'),
  range('192.0.0.0/24', 'reserved', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved', 'former 6to4 relay anycast'),
  range('192.168.0.0/16', 'private', 'RFC 1918'),
  range('198.18.0.0/15', 'benchmark'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved', '240.0.0.0/4'),
];

const IPV6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('fd00:ec2::254/128', 'metadata', 'AWS'),
  range('fd00:ec2::23/128', 'metadata', 'AWS EKS pod identity'),
  range('fd20:ce::254/128', 'metadata', 'GCP'),
  // RFC 8215 local-use NAT64: where the IPv4 address sits depends on the local prefix length.
  range('64:ff9b:1::/48', 'reserved', 'local-use NAT64'),
  range('100::/64', 'reserved', 'discard-only'),
  range('2001:2::/48', 'benchmark'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  // IETF protocol assignments, Teredo (2001::/32, which tunnels to an IPv4 address) among them.
  range('2001::/23', 'reserved', 'IETF protocol assignments, Teredo'),
  range('5f00::/16', 'reserved', 'segment routing'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private', 'deprecated site-local'),
  range('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/** IPv6 prefixes whose last 32 bits are an IPv4 address the traffic is delivered to. */
const EMBEDDING_PREFIXES: readonly { network: ipaddr.IPv6; bits: number; name: string }[] = [
  { name: 'IPv4-mapped', cidr: '::ffff:0:0/96' },
  { name: 'IPv4-translated', cidr: '::ffff:0:0:0/96' },
  { name: 'NAT64', cidr: '64:ff9b::/96' },
  { name: 'IPv4-compatible', cidr: '::/96' },
].map(({ name, cidr }) => {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return { network: network as ipaddr.IPv6, bits, name };
});

/** Characters that would change the meaning of `http://<host>/` rather than be part of the host. */
const NOT_A_HOST = /[/\\?#@:[\]\s]/;

/**
 * Parses an address in any spelling the HTTP stack would accept; `undefined` when the text is a host
 * name (or nothing sensible), which only DNS can turn into an address.
 */
export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.includes(':')) return parseIpv6(trimmed);
  if (NOT_A_HOST.test(trimmed)) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${trimmed}/`).hostname;
  } catch {
    return undefined;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? ipaddr.IPv4.parse(hostname) : undefined;
}

function parseIpv6(text: string): ipaddr.IPv6 | undefined {
  let inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // A zone id (`fe80::1%eth0`, `%25eth0` in a URL) picks an interface, not a different address.
  const zone = inner.indexOf('%');
  if (zone !== -1) inner = inner.slice(0, zone);
  // The WHATWG parser first, as for the session's URLs: ipaddr.js reads `::1.2.3.4` as `::ffff:1.2.3.4`.
  let canonical: string;
  try {
    canonical = new URL(`http://[${inner}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  return ipaddr.IPv6.isValid(canonical) ? ipaddr.IPv6.parse(canonical) : undefined;
}

/** Classifies an address given as text; `undefined` when the text is not an IP address. */
export function classifyAddress(text: string): AddressClass | undefined {
  const ip = parseIp(text);
  return ip === undefined ? undefined : classifyIp(ip);
}

export function classifyIp(ip: IpAddress): AddressClass {
  if (ip.kind() === 'ipv4') return classifyIpv4(ip as ipaddr.IPv4);
  return classifyIpv6(ip as ipaddr.IPv6);
}

function classifyIpv4(ip: ipaddr.IPv4): AddressClass {
  const found = IPV4_RANGES.find((r) => r.network.kind() === 'ipv4' && ip.match(r.network, r.bits));
  return describe(ip.toString(), 4, found?.category ?? 'public', found?.note);
}

function classifyIpv6(ip: ipaddr.IPv6): AddressClass {
  const address = ip.toRFC5952String();
  const exact = IPV6_RANGES.find((r) => r.bits === 128 && matches(ip, r));
  if (exact) return describe(address, 6, exact.category, exact.note);

  const carried = embeddedIpv4(ip);
  if (carried) {
    const inner = classifyIpv4(carried.ipv4);
    // IPv4-compatible addresses are deprecated and never routed: the embedded address can make them
    // worse, never acceptable.
    const deprecated = carried.embedding === 'IPv4-compatible' && inner.category === 'public';
    const result = deprecated
      ? describe(address, 6, 'reserved', 'deprecated IPv4-compatible')
      : describe(address, 6, inner.category, inner.note);
    result.embedded = inner.address;
    result.embedding = carried.embedding;
    return result;
  }

  const found = IPV6_RANGES.find((r) => matches(ip, r));
  if (found) return describe(address, 6, found.category, found.note);
  if (ip.match(GLOBAL_UNICAST)) return describe(address, 6, 'public', undefined);
  return describe(address, 6, 'reserved', 'outside the IPv6 global unicast space');
}

function describe(
  address: string,
  family: 4 | 6,
  category: AddressCategory,
  note: string | undefined,
): AddressClass {
  const result: AddressClass = { address, family, category, description: DESCRIPTIONS[category] };
  if (note !== undefined) result.note = note;
  return result;
}

function matches(ip: ipaddr.IPv6, r: Range): boolean {
  return r.network.kind() === 'ipv6' && ip.match(r.network, r.bits);
}

/** The IPv4 address an IPv6 form delivers to, if it is one of those forms. */
export function embeddedIpv4(ip: ipaddr.IPv6): { ipv4: ipaddr.IPv4; embedding: string } | undefined {
  const bytes = ip.toByteArray();
  for (const prefix of EMBEDDING_PREFIXES) {
    if (ip.match(prefix.network, prefix.bits)) {
      return { ipv4: ipaddr.IPv4.parse(bytes.slice(12, 16).join('.')), embedding: prefix.name };
    }
  }
  // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 is the site behind the IPv4 address AA.BB.CC.DD.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) {
    return { ipv4: ipaddr.IPv4.parse(bytes.slice(2, 6).join('.')), embedding: '6to4' };
  }
  return undefined;
}
