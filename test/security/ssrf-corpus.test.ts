/**
 * Tier 1: the SSRF corpus against the default egress policy. Pure strings: no sockets, no DNS.
 * Every vector of the security reference has forms here; counts are asserted so the corpus cannot
 * quietly shrink.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AddressCategory } from '../../src/core/egress/classify.ts';
import { createEgressPolicy } from '../../src/core/egress/policy.ts';

/** [spelling, category it must be judged as, vector]. */
const BLOCKED: [string, AddressCategory, string][] = [
  // Loopback and its odd IPv4 spellings (normalised as WHATWG URLs are).
  ['127.0.0.1', 'loopback', 'loopback'],
  ['127.0.0.2', 'loopback', 'loopback /8'],
  ['127.255.255.254', 'loopback', 'loopback /8'],
  ['2130706433', 'loopback', 'decimal'],
  ['017700000001', 'loopback', 'octal integer'],
  ['0x7f000001', 'loopback', 'hex integer'],
  ['0x7f.1', 'loopback', 'hex short'],
  ['0177.0.0.1', 'loopback', 'octal dotted'],
  ['0x7f.0x0.0x0.0x1', 'loopback', 'hex dotted'],
  ['127.1', 'loopback', 'short form'],
  ['127.0.1', 'loopback', 'short form'],
  ['127.0.0.1.', 'loopback', 'trailing dot'],
  ['127。0。0。1', 'loopback', 'ideographic full stops'],
  ['%31%32%37.0.0.1', 'loopback', 'percent-encoded'],
  ['012.0.0.1', 'private', 'octal: 10.0.0.1'],
  // Unspecified, broadcast.
  ['0', 'unspecified', 'zero'],
  ['0.0.0.0', 'unspecified', 'unspecified'],
  ['0.1.2.3', 'unspecified', 'this network /8'],
  ['255.255.255.255', 'broadcast', 'broadcast'],
  // Private, CGNAT, link-local, metadata.
  ['10.0.0.1', 'private', 'RFC 1918'],
  ['172.16.0.1', 'private', 'RFC 1918'],
  ['172.31.255.255', 'private', 'RFC 1918'],
  ['192.168.0.1', 'private', 'RFC 1918'],
  ['0xc0.0xa8.1.1', 'private', 'hex RFC 1918'],
  ['100.64.0.1', 'cgnat', 'CGNAT'],
  ['100.127.255.254', 'cgnat', 'CGNAT'],
  ['169.254.0.1', 'link-local', 'link-local'],
  ['169.254.169.254', 'metadata', 'cloud metadata'],
  ['2852039166', 'metadata', 'decimal metadata'],
  ['0xa9.0xfe.0xa9.0xfe', 'metadata', 'hex metadata'],
  ['0251.0376.0251.0376', 'metadata', 'octal metadata'],
  ['169.254.170.2', 'metadata', 'ECS credentials'],
  ['100.100.100.200', 'metadata', 'Alibaba metadata'],
  ['168.63.129.16', 'metadata', 'Azure WireServer'],
  ['fd00:ec2::254', 'metadata', 'AWS IPv6 metadata'],
  ['[fd00:ec2::254]', 'metadata', 'AWS IPv6 metadata, bracketed'],
  // Multicast, reserved, documentation, benchmark.
  ['224.0.0.1', 'multicast', 'multicast'],
  ['239.255.255.250', 'multicast', 'SSDP multicast'],
  ['240.0.0.1', 'reserved', 'class E'],
  ['192.0.0.1', 'reserved', 'IETF assignments'],
  ['192.0.2.1', 'documentation', 'TEST-NET-1'],
  ['198.51.100.1', 'documentation', 'TEST-NET-2'],
  ['203.0.113.1', 'documentation', 'TEST-NET-3'],
  ['198.18.0.1', 'benchmark', 'benchmarking'],
  // IPv6.
  ['::1', 'loopback', 'IPv6 loopback'],
  ['[::1]', 'loopback', 'IPv6 loopback, bracketed'],
  ['0:0:0:0:0:0:0:1', 'loopback', 'IPv6 loopback, long'],
  ['::', 'unspecified', 'IPv6 unspecified'],
  ['::ffff:127.0.0.1', 'loopback', 'IPv4-mapped'],
  ['::ffff:7f00:1', 'loopback', 'IPv4-mapped, hex'],
  ['::fFFf:127.0.0.1', 'loopback', 'IPv4-mapped, mixed case (CVE-2024-29415)'],
  ['[::ffff:127.0.0.1]', 'loopback', 'IPv4-mapped, bracketed'],
  ['::ffff:169.254.169.254', 'metadata', 'IPv4-mapped metadata'],
  ['::ffff:10.0.0.1', 'private', 'IPv4-mapped private'],
  ['::ffff:0:7f00:1', 'loopback', 'IPv4-translated'],
  ['::127.0.0.1', 'loopback', 'IPv4-compatible'],
  ['64:ff9b::127.0.0.1', 'loopback', 'NAT64'],
  ['64:ff9b::a9fe:a9fe', 'metadata', 'NAT64 metadata'],
  ['64:ff9b::c0a8:101', 'private', 'NAT64 private'],
  ['2002:7f00:1::', 'loopback', '6to4'],
  ['2002:a9fe:a9fe::', 'metadata', '6to4 metadata'],
  ['2002:c0a8:101::1', 'private', '6to4 private'],
  ['fe80::1', 'link-local', 'IPv6 link-local'],
  ['fe80::1%eth0', 'link-local', 'IPv6 link-local with zone'],
  ['[fe80::1%25eth0]', 'link-local', 'IPv6 link-local with URL-encoded zone'],
  ['fc00::1', 'unique-local', 'ULA'],
  ['fd12:3456:789a::1', 'unique-local', 'ULA'],
  ['fec0::1', 'private', 'site-local'],
  ['ff02::1', 'multicast', 'IPv6 multicast'],
  ['2001:db8::1', 'documentation', 'IPv6 documentation'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved', 'Teredo'],
  ['::8.8.8.8', 'reserved', 'IPv4-compatible (deprecated)'],
];

const ALLOWED: string[] = [
  '8.8.8.8',
  '1.1.1.1',
  '9.9.9.9',
  '93.184.215.14',
  '172.32.0.1',
  '100.128.0.1',
  '134744072',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '2606:4700::1111',
  '2001:4860:4860::8888',
  '[2620:fe::fe]',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('SSRF corpus (tier 1, default policy)', () => {
  const policy = createEgressPolicy();

  it(`has at least 40 forbidden forms and 10 public forms (${BLOCKED.length} / ${ALLOWED.length})`, () => {
    assert.ok(BLOCKED.length >= 40);
    assert.ok(ALLOWED.length >= 10);
  });

  for (const [spelling, category, vector] of BLOCKED) {
    it(`blocks ${spelling} (${vector}) as ${category}`, () => {
      const decision = policy.decide(spelling);
      assert.equal(decision.allowed, false, decision.reason);
      assert.equal(decision.category, category);
    });
  }

  for (const spelling of ALLOWED) {
    it(`allows ${spelling} (public unicast)`, () => {
      const decision = policy.decide(spelling);
      assert.equal(decision.allowed, true, decision.reason);
      assert.equal(decision.category, 'public');
    });
  }

  it('blocks every forbidden IP-literal spelling as a URL host too', () => {
    for (const [spelling, category] of BLOCKED) {
      // Zone ids are not valid in URLs; the session refuses such a URL before it gets here.
      if (spelling.includes('%') && spelling.includes(':')) continue;
      const host = spelling.includes(':') && !spelling.startsWith('[') ? `[${spelling}]` : spelling;
      const decision = policy.decideUrl(`http://${host}:8080/path`);
      assert.equal(decision.allowed, false, host);
      assert.equal(decision.allowed === false && decision.category, category, host);
    }
  });

  it('refuses the URL-level vectors before any DNS', () => {
    const urls = [
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/_INFO',
      'dict://127.0.0.1:11211/stats',
      'ftp://127.0.0.1/',
      'http://user@127.0.0.1/',
      'http://expected.example@127.0.0.1/',
      'http://localhost/',
      'http://localhost./',
      'http://admin.localhost/',
    ];
    for (const url of urls) assert.equal(policy.decideUrl(url).allowed, false, url);
  });
});
