import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableError } from '../platform/errors.ts';
import { allowlistPermits, normaliseIp, organisationAllowlist, parseAllowlist } from './ip-allowlist.ts';

describe('IP allowlists', () => {
  it('normalises addresses, unwrapping IPv4-mapped IPv6', () => {
    assert.equal(normaliseIp('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(normaliseIp('::FFFF:cb00:7107'), '203.0.113.7');
    assert.equal(normaliseIp('2001:DB8:0:0::1'), '2001:db8::1');
    assert.equal(normaliseIp('[::1]'), '::1');
    assert.equal(normaliseIp('not-an-ip'), null);
    assert.equal(normaliseIp(null), null);
  });

  it('matches IPv4 and IPv6 ranges, mapped forms included', () => {
    const list = ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32'];
    assert.equal(allowlistPermits(list, '203.0.113.200'), true);
    assert.equal(allowlistPermits(list, '::ffff:203.0.113.9'), true);
    assert.equal(allowlistPermits(list, '2001:db8:1::5'), true);
    assert.equal(allowlistPermits(list, '198.51.100.7'), true);
    assert.equal(allowlistPermits(list, '198.51.100.8'), false);
    assert.equal(allowlistPermits(list, '203.0.114.1'), false);
    assert.equal(allowlistPermits(list, '2001:db9::1'), false);
    assert.equal(allowlistPermits(list, null), false);
    assert.equal(allowlistPermits([], null), true);
  });

  it('fails closed on stored entries that do not parse', () => {
    assert.equal(allowlistPermits(['garbage'], '203.0.113.1'), false);
    assert.deepEqual(organisationAllowlist({ settings: { ip_allowlist: [42] } }), ['42']);
    assert.deepEqual(organisationAllowlist({ settings: { ip_allowlist: 'x' } }), []);
  });

  it('parses strictly, reporting every bad entry', () => {
    assert.deepEqual(parseAllowlist(['10.0.0.0/8', '2001:DB8::/32', '10.0.0.0/8'], 'body.x'), [
      '10.0.0.0/8',
      '2001:db8::/32',
    ]);
    assert.deepEqual(parseAllowlist(['192.0.2.1'], 'body.x'), ['192.0.2.1/32']);
    try {
      parseAllowlist(['10.1.2.3/8', '010.0.0.1', 'example.com', '10.0.0.0/33'], 'body.x');
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof UnprocessableError);
      assert.deepEqual(
        error.problems.map((p) => p.path),
        ['body.x[0]', 'body.x[1]', 'body.x[2]', 'body.x[3]'],
      );
      assert.match(error.problems[0]?.message ?? '', /did you mean 10\.0\.0\.0\/8/);
    }
  });
});
