/** Pure: the policy's decisions and messages. No sockets, no DNS. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../runner/http/types.ts';
import { EgressConfigError } from './cidr.ts';
import { createEgressPolicy } from './policy.ts';

function refusal(run: () => void): HttpError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'EGRESS_DENIED');
    return error;
  }
  assert.fail('expected EGRESS_DENIED');
}

describe('createEgressPolicy: default (public only)', () => {
  const policy = createEgressPolicy();

  it('allows public unicast and refuses the rest', () => {
    assert.equal(policy.decide('8.8.8.8').allowed, true);
    assert.equal(policy.decide('2606:4700::1111').allowed, true);
    assert.deepEqual(policy.decide('0x7f.1'), {
      allowed: false,
      category: 'loopback',
      address: '127.0.0.1',
      reason:
        '127.0.0.1 (loopback address): egress to private and metadata addresses is blocked; ' +
        'an operator can allow ranges with ASSAY_EGRESS_ALLOW',
    });
  });

  it('refuses what is not an address', () => {
    const decision = policy.decide('metadata.test');
    assert.equal(decision.allowed, false);
    assert.equal(decision.category, undefined);
    assert.match(refusal(() => policy.check('metadata.test', 4, 'x.test')).message, /not an IP address/);
  });

  it('check: a message a person understands, naming the host', () => {
    assert.equal(
      refusal(() => policy.check('169.254.169.254', 4, 'metadata.test')).message,
      'refused to connect to 169.254.169.254 (metadata address) for metadata.test — egress to private and ' +
        'metadata addresses is blocked; metadata and link-local addresses stay blocked unless an operator ' +
        'names the exact address in ASSAY_EGRESS_ALLOW',
    );
    assert.equal(
      refusal(() => policy.check('127.0.0.2', 4, 'internal.test')).message,
      'refused to connect to 127.0.0.2 (loopback address) for internal.test — egress to private and ' +
        'metadata addresses is blocked; an operator can allow ranges with ASSAY_EGRESS_ALLOW',
    );
  });

  it('check: an IP literal is not named twice; embedded addresses are shown', () => {
    const message = refusal(() => policy.check('::ffff:7f00:1', 6, '::ffff:7f00:1')).message;
    assert.match(
      message,
      /^refused to connect to ::ffff:7f00:1 \(loopback address, IPv4-mapped 127\.0\.0\.1\) — /,
    );
  });

  it('check: returns quietly for an allowed address', () => {
    assert.equal(policy.check('1.1.1.1', 4, 'one.test'), undefined);
  });
});

describe('createEgressPolicy: allowlists', () => {
  it('operator ranges open private addresses, in both IPv4 and IPv4-mapped spellings', () => {
    const policy = createEgressPolicy({ allow: ['10.0.0.0/8', 'fd12:3456::/48'] });
    assert.equal(policy.decide('10.20.30.40').allowed, true);
    assert.equal(policy.decide('::ffff:10.20.30.40').allowed, true);
    assert.equal(policy.decide('fd12:3456::9').allowed, true);
    assert.match(policy.decide('10.1.1.1').reason, /is in 10\.0\.0\.0\/8, allowed by ASSAY_EGRESS_ALLOW/);
    assert.equal(policy.decide('11.0.0.1').allowed, true, 'public stays allowed');
    assert.equal(policy.decide('192.168.0.1').allowed, false);
    assert.equal(policy.decide('127.0.0.1').allowed, false);
  });

  it('an IPv4 range does not open NAT64 or 6to4 spellings (only the mapped one)', () => {
    const policy = createEgressPolicy({ allow: ['10.0.0.0/8'] });
    assert.equal(policy.decide('64:ff9b::a00:1').allowed, false);
    assert.equal(policy.decide('2002:a00:1::1').allowed, false);
  });

  it('organisation ranges are merged with the operator ones', () => {
    const policy = createEgressPolicy({ allow: ['10.0.0.0/8'], organisationAllow: ['192.168.5.0/24'] });
    assert.equal(policy.decide('10.0.0.1').allowed, true);
    assert.equal(policy.decide('192.168.5.9').allowed, true);
    assert.match(policy.decide('192.168.5.9').reason, /allowed by the organisation allowlist/);
    assert.equal(policy.decide('192.168.6.1').allowed, false);
  });

  it('metadata and link-local addresses are opened only by an exact operator entry', () => {
    const wide = createEgressPolicy({ allow: ['0.0.0.0/0', '::/0', '169.254.0.0/16', '100.64.0.0/10'] });
    for (const address of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      '169.254.1.1',
      'fe80::1',
      'fd00:ec2::254',
    ]) {
      assert.equal(wide.decide(address).allowed, false, address);
    }
    assert.equal(wide.decide('100.100.100.200').allowed, false, 'metadata inside an allowed CGNAT range');
    assert.equal(wide.decide('127.0.0.1').allowed, true, 'ranges do open loopback');

    const named = createEgressPolicy({ allow: ['169.254.169.254', 'fd00:ec2::254/128'] });
    assert.equal(named.decide('169.254.169.254').allowed, true);
    assert.equal(named.decide('::ffff:a9fe:a9fe').allowed, true);
    assert.equal(named.decide('fd00:ec2::254').allowed, true);
    assert.equal(named.decide('169.254.170.2').allowed, false, 'only the named one');

    const byOrganisation = createEgressPolicy({ organisationAllow: ['169.254.169.254/32', 'fe80::1'] });
    assert.equal(byOrganisation.decide('169.254.169.254').allowed, false);
    assert.equal(byOrganisation.decide('fe80::1').allowed, false);
  });

  it('a malformed range stops creation with the setting named', () => {
    assert.throws(() => createEgressPolicy({ allow: ['10.0.0.0/33'] }), EgressConfigError);
    assert.throws(
      () => createEgressPolicy({ organisationAllow: ['10.1.0.0/8'] }),
      /^EgressConfigError: organisation egress allowlist: "10\.1\.0\.0\/8" has bits set/,
    );
  });

  it('hint replaces the advice (the CLI names its flag)', () => {
    const policy = createEgressPolicy({ hint: 'run without --egress-guard to allow it' });
    assert.match(
      refusal(() => policy.check('10.0.0.1', 4, 'db.test')).message,
      /for db\.test — egress to private and metadata addresses is blocked; run without --egress-guard to allow it$/,
    );
  });
});

describe('decideUrl: before any DNS', () => {
  const policy = createEgressPolicy();

  it('http and https only', () => {
    for (const url of [
      'file:///etc/passwd',
      'gopher://127.0.0.1:70/_x',
      'ftp://example.com/',
      'dict://x:11211/',
    ]) {
      const decision = policy.decideUrl(url);
      assert.equal(decision.allowed, false, url);
      assert.match(decision.reason, /is not allowed \(http and https only\)/);
    }
  });

  it('credentials in the URL are refused', () => {
    for (const url of [
      'http://user@example.com/',
      'https://user:pw@example.com/',
      'http://example.com@127.0.0.1/',
    ]) {
      assert.match(policy.decideUrl(url).reason, /credentials in the URL/, url);
    }
  });

  it('IP-literal hosts are judged after URL normalisation', () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127。0。0。1/',
      'http://012.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00:ec2::254]/',
      'http://0/',
    ]) {
      const decision = policy.decideUrl(url);
      assert.equal(decision.allowed, false, url);
      assert.match(decision.reason, /is not allowed — egress to private and metadata addresses is blocked/);
    }
    const octal = policy.decideUrl('http://012.0.0.1/');
    assert.ok(!octal.allowed);
    assert.equal(octal.category, 'private');
    assert.match(octal.reason, /^10\.0\.0\.1 \(private address\)/);
  });

  it('localhost names are loopback whatever DNS says', () => {
    for (const url of ['http://localhost/', 'http://LOCALHOST./', 'http://api.localhost:8080/']) {
      const decision = policy.decideUrl(url);
      assert.equal(decision.allowed, false, url);
      assert.match(decision.reason, /\(a loopback name\) is not allowed/);
    }
    assert.equal(createEgressPolicy({ allow: ['127.0.0.0/8'] }).decideUrl('http://localhost/').allowed, true);
  });

  it('public literals and host names pass (names are checked again on connecting)', () => {
    const literal = policy.decideUrl('https://8.8.8.8/dns-query');
    assert.equal(literal.allowed, true);
    const named = policy.decideUrl('https://api.example.com/hook');
    assert.ok(named.allowed);
    assert.equal(named.url.hostname, 'api.example.com');
    assert.match(named.reason, /checked on connecting/);
  });

  it('malformed URLs are refused', () => {
    assert.match(policy.decideUrl('http://[::1/').reason, /is not a valid URL/);
    assert.match(policy.decideUrl('not a url').reason, /is not a valid URL/);
  });
});
