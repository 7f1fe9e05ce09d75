/**
 * Tier 2: the egress policy on the real connection path (`createHttpSession`), against loopback
 * canaries that count connections. Test host names resolve through a table (never real DNS) to
 * loopback addresses, which the default policy must refuse before connecting. Every target here is
 * loopback; the tripwire makes any other connection attempt throw.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createEgressPolicy, type EgressPolicyOptions } from '../../src/core/egress/policy.ts';
import { createHttpSession } from '../../src/core/runner/http/session.ts';
import { HttpError, type HttpResponse, type HttpSessionOptions } from '../../src/core/runner/http/types.ts';
import { type Canaries, startCanaries, testResolver } from './ssrf-canary.ts';
import { installTripwire, type Tripwire } from './ssrf-tripwire.ts';

let canaries: Canaries;
let tripwire: Tripwire;

before(async () => {
  tripwire = installTripwire();
  canaries = await startCanaries();
});
afterEach(() => canaries.reset());
after(async () => {
  await canaries.close();
  tripwire.uninstall();
  assert.deepEqual(tripwire.tripped, [], 'no connection attempt left loopback');
});

const NAMES = {
  'internal.test': '127.0.0.2',
  'v6.test': '::1',
  'mapped.test': '::ffff:127.0.0.1',
  'loopback.test': '127.0.0.1',
  localhost: '127.0.0.1',
};

async function get(url: string, options: HttpSessionOptions): Promise<HttpResponse> {
  const session = createHttpSession(options);
  try {
    return await session.send({
      method: 'GET',
      url,
      headers: {},
      timeoutMs: 5000,
      followRedirects: true,
      maxRedirects: 5,
    });
  } finally {
    await session.close();
  }
}

function guarded(
  policy: EgressPolicyOptions = {},
  names: Record<string, string | string[]> = NAMES,
): HttpSessionOptions {
  return { egressCheck: createEgressPolicy(policy).check, lookup: testResolver(names).lookup };
}

async function refused(url: string, options: HttpSessionOptions, code = 'EGRESS_DENIED'): Promise<HttpError> {
  const error = await get(url, options).then(
    (response) => assert.fail(`expected ${code}, got HTTP ${response.status} from ${url}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HttpError, String(error));
  assert.equal(error.code, code, error.message);
  return error;
}

describe('SSRF connection path: canaries', () => {
  it('control: without the guard, every mapped name reaches its canary (so a leak would be counted)', async () => {
    const options = { lookup: testResolver(NAMES).lookup };
    for (const host of Object.keys(NAMES)) {
      const response = await get(`http://${host}:${canaries.port}/`, options);
      assert.equal(response.status, 200, host);
    }
    assert.deepEqual(canaries.connections, { '127.0.0.1': 3, '127.0.0.2': 1, '::1': 1 });
  });
});

describe('SSRF connection path: names resolving to forbidden addresses', () => {
  for (const [host, address] of Object.entries(NAMES)) {
    it(`${host} → ${address} is refused without connecting`, async () => {
      const error = await refused(`http://${host}:${canaries.port}/`, guarded());
      assert.equal(canaries.total(), 0);
      assert.match(
        error.message,
        new RegExp(`^refused to connect to .* \\(loopback address.*\\) for ${host} — `),
      );
    });
  }

  it('DNS rebinding: the address checked is the address connected, on every new connection', async () => {
    // 127.0.0.2 stands in for an allowed public address; the name then rebinds to 127.0.0.1.
    const resolver = testResolver({ 'rebind.test': ['127.0.0.2', '127.0.0.1'] });
    const session = createHttpSession({
      egressCheck: createEgressPolicy({ allow: ['127.0.0.2/32'] }).check,
      lookup: resolver.lookup,
    });
    const request = { method: 'GET', headers: {}, timeoutMs: 5000, followRedirects: true, maxRedirects: 5 };
    try {
      const first = await session.send({ ...request, url: `http://rebind.test:${canaries.port}/` });
      assert.equal(first.status, 200);
      // The canary closed the connection, so the second request resolves again and gets 127.0.0.1.
      const second = await session
        .send({ ...request, url: `http://rebind.test:${canaries.port}/` })
        .catch((e) => e);
      assert.ok(second instanceof HttpError);
      assert.equal(second.code, 'EGRESS_DENIED');
      assert.match(
        second.message,
        /refused to connect to 127\.0\.0\.1 \(loopback address\) for rebind\.test/,
      );
    } finally {
      await session.close();
    }
    assert.deepEqual(resolver.asked, ['rebind.test', 'rebind.test']);
    assert.deepEqual(canaries.connections, { '127.0.0.1': 0, '127.0.0.2': 1, '::1': 0 });
  });
});

describe('SSRF connection path: IP-literal URLs (no lookup involved)', () => {
  const literals = [
    '127.0.0.1',
    '127.0.0.2',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:2]',
    '2130706433',
    '0x7f.1',
    '0x7f.0.0.2',
    '0177.0.0.1',
    '127.1',
    '127。0。0。2',
    '%31%32%37.0.0.1',
  ];
  for (const literal of literals) {
    it(`http://${literal}:<port>/ is refused without connecting`, async () => {
      const resolver = testResolver({});
      await refused(`http://${literal}:${canaries.port}/`, {
        egressCheck: createEgressPolicy().check,
        lookup: resolver.lookup,
      });
      assert.equal(canaries.total(), 0);
      assert.deepEqual(resolver.asked, [], 'a literal is checked without a lookup');
    });
  }
});

describe('SSRF connection path: redirects are checked hop by hop', () => {
  const allowFirst = { allow: ['127.0.0.1/32'] };
  const targets = (port: number): string[] => [
    `http://127.0.0.2:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.2]:${port}/`,
    `http://0x7f.0.0.2:${port}/`,
    `http://internal.test:${port}/`,
    `http://v6.test:${port}/`,
  ];

  it('an allowed canary 302s to a forbidden address: the hop is refused and its canary never connected', async () => {
    for (const location of targets(canaries.port)) {
      canaries.reset();
      canaries.handle((address, _request, response) => {
        if (address === '127.0.0.1') response.writeHead(302, { location }).end();
        else response.writeHead(200).end('leaked');
      });
      const error = await refused(`http://loopback.test:${canaries.port}/start`, guarded(allowFirst));
      assert.deepEqual(canaries.connections, { '127.0.0.1': 1, '127.0.0.2': 0, '::1': 0 }, location);
      assert.match(
        error.message,
        /^refused to connect to (127\.0\.0\.2|::1|::ffff:7f00:2) \(loopback address/,
      );
    }
  });

  it('a redirect to another scheme is refused before any connection', async () => {
    for (const location of [
      'file:///etc/passwd',
      `gopher://127.0.0.2:${canaries.port}/_x`,
      'dict://127.0.0.2:11211/',
    ]) {
      canaries.reset();
      canaries.handle((_address, _request, response) => response.writeHead(302, { location }).end());
      const error = await refused(
        `http://loopback.test:${canaries.port}/`,
        guarded(allowFirst),
        'INVALID_URL',
      );
      assert.match(error.message, /unsupported scheme/);
      assert.deepEqual(canaries.connections, { '127.0.0.1': 1, '127.0.0.2': 0, '::1': 0 });
    }
  });
});

describe('SSRF connection path: allowlists open exactly what they name', () => {
  it('operator ranges connect; what they do not name stays refused', async () => {
    const options = guarded({ allow: ['127.0.0.2/32', '::1/128'] });
    assert.equal((await get(`http://internal.test:${canaries.port}/`, options)).status, 200);
    assert.equal((await get(`http://[::1]:${canaries.port}/`, options)).status, 200);
    await refused(`http://loopback.test:${canaries.port}/`, options);
    assert.deepEqual(canaries.connections, { '127.0.0.1': 0, '127.0.0.2': 1, '::1': 1 });
  });

  it('an IPv4 range also opens the IPv4-mapped spelling', async () => {
    const options = guarded({ allow: ['127.0.0.0/8'] });
    assert.equal((await get(`http://mapped.test:${canaries.port}/`, options)).status, 200);
    assert.equal(canaries.connections['127.0.0.1'], 1);
  });

  it('organisation ranges connect too', async () => {
    const options = guarded({ organisationAllow: ['127.0.0.2/32'] });
    assert.equal((await get(`http://internal.test:${canaries.port}/`, options)).status, 200);
    await refused(`http://v6.test:${canaries.port}/`, options);
    assert.deepEqual(canaries.connections, { '127.0.0.1': 0, '127.0.0.2': 1, '::1': 0 });
  });

  it('an allowed redirect chain is followed', async () => {
    canaries.handle((address, _request, response) => {
      if (address === '127.0.0.1')
        response.writeHead(302, { location: `http://internal.test:${canaries.port}/next` }).end();
      else response.writeHead(200, { connection: 'close' }).end('arrived');
    });
    const response = await get(
      `http://loopback.test:${canaries.port}/`,
      guarded({ allow: ['127.0.0.1', '127.0.0.2'] }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'arrived');
    assert.equal(response.redirects, 1);
  });
});
