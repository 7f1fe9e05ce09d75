import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EgressConfigError, parseCidr, parseCidrList } from './cidr.ts';

describe('parseCidrList', () => {
  it('reads commas, spaces and new lines; canonicalises; empty text is an empty list', () => {
    assert.deepEqual(parseCidrList(''), []);
    assert.deepEqual(parseCidrList('  '), []);
    assert.deepEqual(parseCidrList('10.0.0.0/8, 192.168.1.20\nFD12:3456:0::/48 [::1]'), [
      '10.0.0.0/8',
      '192.168.1.20/32',
      'fd12:3456::/48',
      '::1/128',
    ]);
  });

  it('a single address is exact; a range is not', () => {
    assert.equal(parseCidr('169.254.169.254').exact, true);
    assert.equal(parseCidr('169.254.169.254/32').exact, true);
    assert.equal(parseCidr('fd00:ec2::254/128').exact, true);
    assert.equal(parseCidr('169.254.0.0/16').exact, false);
  });

  it('IPv4-mapped IPv6 ranges are canonical', () => {
    assert.deepEqual(parseCidrList('::ffff:10.0.0.0/104'), ['::ffff:a00:0/104']);
  });

  const errors: [string, RegExp][] = [
    ['10.0.0.0/33', /"10\.0\.0\.0\/33" has an invalid prefix length: IPv4 takes 0 to 32/],
    ['fd00::/129', /IPv6 takes 0 to 128/],
    ['10.0.0.0/', /invalid prefix length/],
    ['10.0.0.0/8/8', /invalid prefix length/],
    ['10.0.0.0/-1', /invalid prefix length/],
    ['10.1.2.3/8', /bits set beyond its \/8 prefix; did you mean 10\.0\.0\.0\/8\?/],
    ['fd12:3456::1/32', /did you mean fd12:3456::\/32\?/],
    ['010.0.0.0/8', /is not an IP address or CIDR range/],
    ['0x7f.1', /is not an IP address or CIDR range/],
    ['127.1', /is not an IP address or CIDR range/],
    ['example.com', /host names cannot be allowed/],
    ['fe80::1%eth0', /is not an IP address or CIDR range/],
    ['300.1.1.1', /is not an IP address or CIDR range/],
  ];
  for (const [entry, message] of errors) {
    it(`rejects ${entry} with a clear message`, () => {
      assert.throws(
        () => parseCidrList(`8.8.8.8/32, ${entry}`),
        (error: unknown) =>
          error instanceof EgressConfigError &&
          error.message.startsWith('ASSAY_EGRESS_ALLOW: ') &&
          message.test(error.message),
      );
    });
  }

  it('names the setting it was given', () => {
    assert.throws(
      () => parseCidrList('nope', 'organisation egress allowlist'),
      /^EgressConfigError: organisation egress allowlist: "nope"/,
    );
  });
});
