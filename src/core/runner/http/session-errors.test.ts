import assert from 'node:assert/strict';
import net, { type LookupFunction } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTargetServer, type TargetServer } from '../../../../test/support/target-server.ts';
import { makeSelfSignedCert } from '../../../../test/support/tls-cert.ts';
import { createHttpSession } from './session.ts';
import { type EgressCheck, HttpError, type HttpRequest, type HttpSession } from './types.ts';

let server: TargetServer;
let session: HttpSession;

before(async () => {
  server = await startTargetServer();
  session = createHttpSession();
});
after(async () => {
  await session.close();
  await server.close();
});

function request(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    url,
    headers: {},
    timeoutMs: 5000,
    followRedirects: true,
    maxRedirects: 5,
    ...extra,
  };
}

/** Maps `api.test` to loopback, fails every other name. */
const testLookup = ((hostname: string, _options: unknown, callback: (...args: unknown[]) => void) => {
  if (hostname === 'api.test') setImmediate(() => callback(null, '127.0.0.1', 4));
  else
    setImmediate(() =>
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })),
    );
}) as unknown as LookupFunction;

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function isHttpError(code: string, check?: (error: HttpError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

describe('failures', () => {
  test('timeout bounds the whole exchange', async () => {
    await assert.rejects(
      session.send(request(`${server.url}/hang`, { timeoutMs: 100 })),
      isHttpError('TIMEOUT', (error) => {
        assert.equal(error.message, 'no response within 100 ms');
        assert.ok((error.timings?.total ?? -1) >= 0);
      }),
    );
    // The session is still usable afterwards.
    assert.equal((await session.send(request(`${server.url}/json`))).status, 200);
  });

  test('timeout covers slow bodies and redirect chains', async () => {
    const target = encodeURIComponent('/delay/2000');
    await assert.rejects(
      session.send(request(`${server.url}/redirect-to?url=${target}`, { timeoutMs: 150 })),
      isHttpError('TIMEOUT'),
    );
  });

  test('a timeout while resolving leaves the session usable', async () => {
    let stalled = true;
    const slow = createHttpSession({
      lookup: ((hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
        if (stalled) return; // never answers
        (testLookup as (...args: unknown[]) => void)(hostname, options, callback);
      }) as unknown as LookupFunction,
    });
    try {
      const url = `http://api.test:${server.port}/json`;
      await assert.rejects(slow.send(request(url, { timeoutMs: 50 })), isHttpError('TIMEOUT'));
      stalled = false;
      assert.equal((await slow.send(request(url))).status, 200);
    } finally {
      await slow.close();
    }
  });

  test('an abort signal ends the request with ABORTED', async () => {
    const controller = new AbortController();
    const pending = session.send(request(`${server.url}/hang`, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, isHttpError('ABORTED'));
    await assert.rejects(
      session.send(request(`${server.url}/json`, { signal: AbortSignal.abort() })),
      isHttpError('ABORTED'),
    );
  });

  test('a closed port is ECONNREFUSED naming the address', async () => {
    const port = await closedPort();
    await assert.rejects(
      session.send(request(`http://127.0.0.1:${port}/`)),
      isHttpError('ECONNREFUSED', (error) =>
        assert.equal(error.message, `connection refused by 127.0.0.1:${port}`),
      ),
    );
  });

  test('a name that does not resolve is ENOTFOUND', async () => {
    const named = createHttpSession({ lookup: testLookup });
    try {
      await assert.rejects(
        named.send(request('http://nowhere.test/')),
        isHttpError('ENOTFOUND', (error) => assert.match(error.message, /nowhere\.test/)),
      );
    } finally {
      await named.close();
    }
  });

  test('malformed and non-http URLs are INVALID_URL', async () => {
    await assert.rejects(session.send(request('not a url')), isHttpError('INVALID_URL'));
    await assert.rejects(session.send(request('file:///etc/hosts')), isHttpError('INVALID_URL'));
  });

  test('a decoded body over the bound is BODY_TOO_LARGE', async () => {
    const bounded = createHttpSession({ maxBodyBytes: 64 * 1024 });
    try {
      await assert.rejects(bounded.send(request(`${server.url}/large`)), isHttpError('BODY_TOO_LARGE'));
      // Small on the wire, large once inflated.
      await assert.rejects(
        bounded.send(request(`${server.url}/gzip-bomb/1000000`)),
        isHttpError('BODY_TOO_LARGE'),
      );
      assert.equal((await bounded.send(request(`${server.url}/gzip-bomb/60000`))).size, 60000);
      // Compressed input too large to decode at once goes through the streaming decoder.
      await assert.rejects(
        bounded.send(request(`${server.url}/gzip-random/200000`)),
        isHttpError('BODY_TOO_LARGE'),
      );
      assert.equal((await session.send(request(`${server.url}/gzip-random/200000`))).size, 200000);
    } finally {
      await bounded.close();
    }
  });
});

describe('egress check', () => {
  test('is called for IP literals and for looked-up names', async () => {
    const calls: [string, number, string][] = [];
    const guarded = createHttpSession({
      lookup: testLookup,
      egressCheck: (address, family, hostname) => {
        calls.push([address, family, hostname]);
      },
    });
    try {
      await guarded.send(request(`${server.url}/json`));
      await guarded.send(request(`http://api.test:${server.port}/json`));
      assert.deepEqual(calls, [
        ['127.0.0.1', 4, '127.0.0.1'],
        ['127.0.0.1', 4, 'api.test'],
      ]);
    } finally {
      await guarded.close();
    }
  });

  test('a denied connection never reaches the server, redirect hops included', async () => {
    const target = await startTargetServer();
    const deny: EgressCheck = (address, _family, hostname) => {
      if (hostname === 'api.test')
        throw new HttpError('EGRESS_DENIED', `${hostname} (${address}) is not allowed`);
    };
    const guarded = createHttpSession({ lookup: testLookup, egressCheck: deny });
    try {
      await assert.rejects(
        guarded.send(request(`http://api.test:${target.port}/json`)),
        isHttpError('EGRESS_DENIED', (error) => assert.match(error.message, /api\.test/)),
      );
      assert.equal(target.connections, 0);
      assert.equal(target.requests, 0);
      const hop = encodeURIComponent(`http://api.test:${target.port}/echo`);
      await assert.rejects(
        guarded.send(request(`${server.url}/redirect-to?url=${hop}`)),
        isHttpError('EGRESS_DENIED'),
      );
      assert.equal(target.connections, 0);
    } finally {
      await guarded.close();
      await target.close();
    }
  });
});

describe('TLS', () => {
  const cert = makeSelfSignedCert();

  test('times the handshake, rejects a self-signed certificate unless insecure', {
    skip: cert ? false : 'openssl is not available',
  }, async () => {
    const tlsServer = await startTargetServer({ tls: cert });
    const strict = createHttpSession();
    const insecure = createHttpSession({ insecure: true });
    try {
      await assert.rejects(
        strict.send(request(`${tlsServer.url}/json`)),
        isHttpError('TLS', (error) => assert.match(error.message, /self-signed certificate/)),
      );
      const first = await insecure.send(request(`${tlsServer.url}/json`));
      assert.equal(first.status, 200);
      assert.ok(first.timings.tls > 0);
      const second = await insecure.send(request(`${tlsServer.url}/json`));
      assert.equal(second.timings.tls, 0);
      assert.equal(second.timings.connect, 0);
    } finally {
      await strict.close();
      await insecure.close();
      await tlsServer.close();
    }
  });
});
