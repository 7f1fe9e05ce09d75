/**
 * Attack suite — API keys and client addresses: malformed, bad-checksum, unknown, revoked and expired
 * keys all get the same 401; IP allowlists of a key and of an organisation refuse other addresses
 * (audited) and cannot be talked round with a spoofed X-Forwarded-For; rotation keeps the old key
 * only for its overlap; revocation is immediate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateApiKey } from '../../src/services/api-key-format.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { auditEntries, keyClient, rawRequest } from './attack-fixtures.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer({ background: [], env: { ASSAY_RATE_LIMIT_ANONYMOUS: '100000' } });
});
after(() => server.close());

const ME = '/api/v1/auth/me';

async function asKey(key: string, headers: Record<string, string> = {}) {
  return rawRequest(server.url, {
    method: 'GET',
    path: ME,
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
}

describe('attack: bad API keys', () => {
  it('refuses malformed, bad-checksum, unknown, revoked and expired keys with 401 and no detail to tell them apart', async () => {
    const valid = await keyClient(server, { scopes: ['runs:read'] });
    const revoked = await keyClient(server, { scopes: ['runs:read'] });
    await server.container.stores.apiKeys.revoke(server.organisation.id, revoked.apiKeyId, new Date());
    const expired = await keyClient(server, {
      scopes: ['runs:read'],
      expiresAt: new Date(Date.now() + 1000),
    });
    await server.container.stores.apiKeys.update(server.organisation.id, expired.apiKeyId, {
      expiresAt: new Date(server.clock.now().getTime() - 1),
    });
    const key = valid.client.key ?? '';
    const badChecksum = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const unknown = generateApiKey().key;

    assert.equal((await asKey(key)).status, 200);
    const answers = await Promise.all(
      [
        'assay_short',
        `${key}x`,
        badChecksum,
        unknown,
        revoked.client.key ?? '',
        expired.client.key ?? '',
        "assay_' OR '1'='1",
      ].map((k) => asKey(k)),
    );
    for (const answer of answers) {
      assert.equal(answer.status, 401, answer.text);
      assert.equal(JSON.parse(answer.text).code, 'unauthorized');
      assert.equal(answer.headers['www-authenticate'], 'Bearer realm="assay"');
    }
    // Unknown, revoked and expired keys read exactly alike.
    const details = new Set(answers.slice(3, 6).map((a) => JSON.parse(a.text).detail));
    assert.equal(details.size, 1);
  });

  it('rejects a bad checksum before any lookup', async () => {
    const lookups: string[] = [];
    const store = server.container.stores.apiKeys;
    const original = store.findByPrefix;
    store.findByPrefix = async (prefix) => {
      lookups.push(prefix);
      return original.call(store, prefix);
    };
    try {
      const { key } = generateApiKey();
      assert.equal((await asKey(`${key.slice(0, -2)}zz`)).status, 401);
      assert.deepEqual(lookups, []);
    } finally {
      store.findByPrefix = original;
    }
  });

  it('stops honouring a revoked key on the very next request', async () => {
    const owner = await server.login('owner');
    const created = await owner.post('/api/v1/api-keys', { name: 'ci', scopes: ['runs:read'] });
    assert.equal(created.status, 201);
    assert.equal((await asKey(created.body.key)).status, 200);
    assert.equal((await owner.delete(`/api/v1/api-keys/${created.body.id}`)).status, 204);
    assert.equal((await asKey(created.body.key)).status, 401);
  });

  it('rotates with an overlap: both keys work, then only the new one', async () => {
    const owner = await server.login('owner');
    const created = await owner.post('/api/v1/api-keys', {
      name: 'rotating',
      scopes: ['runs:read'],
      ip_allowlist: ['127.0.0.1'],
    });
    const rotated = await owner.post(`/api/v1/api-keys/${created.body.id}/rotate`, { overlap: 120 });
    assert.equal(rotated.status, 201, rotated.text);
    assert.notEqual(rotated.body.key, created.body.key);
    assert.deepEqual(rotated.body.ip_allowlist, ['127.0.0.1/32']);
    assert.deepEqual(rotated.body.scopes, ['runs:read']);
    assert.equal((await asKey(created.body.key)).status, 200);
    assert.equal((await asKey(rotated.body.key)).status, 200);
    (server.clock as unknown as { advance(ms: number): void }).advance(121_000);
    assert.equal((await asKey(created.body.key)).status, 401, 'the old key ends with its overlap');
    assert.equal((await asKey(rotated.body.key)).status, 200);
    const rotations = await auditEntries(server, server.organisation.id, 'api_key.rotated');
    assert.ok(rotations.some((e) => e.target?.id === created.body.id));
    const again = await owner.post(`/api/v1/api-keys/${created.body.id}/rotate`, {});
    assert.equal(again.status, 409, 'an expired key cannot be rotated');
  });
});

describe('attack: IP allowlists and spoofed addresses', () => {
  it('refuses a key off its allowlist with 403, even when X-Forwarded-For claims an allowed address', async () => {
    const { client, apiKeyId } = await keyClient(server, {
      scopes: ['runs:read'],
      ipAllowlist: ['203.0.113.0/24'],
    });
    const key = client.key ?? '';
    const spoofs: Record<string, string>[] = [
      {},
      { 'x-forwarded-for': '203.0.113.5' },
      { 'x-forwarded-for': '203.0.113.5, 127.0.0.1' },
      { forwarded: 'for=203.0.113.5', 'x-real-ip': '203.0.113.5' },
    ];
    for (const headers of spoofs) {
      const answer = await asKey(key, headers);
      assert.equal(answer.status, 403, answer.text);
      assert.equal(JSON.parse(answer.text).code, 'ip_not_allowed');
    }
    const denials = (await auditEntries(server, server.organisation.id, 'access.denied')).filter(
      (e) => e.actor.id === apiKeyId,
    );
    assert.ok(denials.length >= 1, 'the denial is audited');
    assert.equal(denials[0]?.data.reason, 'ip_allowlist');
    assert.equal(denials[0]?.ip, '127.0.0.1', 'the audit records the socket address, not the claimed one');
    const stored = await server.container.stores.apiKeys.get(server.organisation.id, apiKeyId);
    assert.equal(stored?.lastUsedAt, null, 'a refused request is not a use of the key');
  });

  it('accepts the key from an allowed address, IPv4-mapped socket form included', async () => {
    const { client } = await keyClient(server, {
      scopes: ['runs:read'],
      ipAllowlist: ['127.0.0.0/8', '::1'],
    });
    assert.equal((await asKey(client.key ?? '')).status, 200);
  });

  it('records the socket address in the audit log when X-Forwarded-For is sent without a trusted proxy', async () => {
    const owner = await server.login('owner');
    const response = await owner.post(
      '/api/v1/projects',
      { name: 'spoof' },
      { headers: { 'x-forwarded-for': '198.51.100.66' } },
    );
    assert.equal(response.status, 201);
    const [entry] = await auditEntries(server, server.organisation.id, 'project.created');
    assert.equal(entry?.ip, '127.0.0.1');
  });

  it('applies the organisation allowlist to people and keys, and refuses a list that would lock the admin out', async () => {
    const other = await server.otherOrganisation();
    const owner = other.owner;
    const lockout = await owner.request('PUT', '/api/v1/organisations/current/ip-allowlist', {
      ranges: ['198.51.100.0/24'],
    });
    assert.equal(lockout.status, 422);
    assert.equal(lockout.body.code, 'allowlist_excludes_caller');
    const bad = await owner.request('PUT', '/api/v1/organisations/current/ip-allowlist', {
      ranges: ['10.1.2.3/8', 'not-an-ip'],
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors.length, 2);

    const { client: key } = await keyClient(server, {
      scopes: ['runs:read'],
      organisationId: other.organisation.id,
    });
    assert.equal((await key.get('/api/v1/runs')).status, 200);
    // Set behind the API's back (as a second admin elsewhere would), then seen within the cache's life.
    await server.container.stores.organisations.update(other.organisation.id, {
      settings: { ip_allowlist: ['198.51.100.0/24'] },
    });
    await server.container.cache.delete(`org:${other.organisation.id}:ip-allowlist`);
    const keyAnswer = await key.get('/api/v1/runs');
    assert.equal(keyAnswer.status, 403);
    assert.equal(keyAnswer.body.code, 'ip_not_allowed');
    const personAnswer = await owner.get('/api/v1/projects');
    assert.equal(personAnswer.status, 403);
    const denials = await auditEntries(server, other.organisation.id, 'access.denied');
    assert.ok(
      denials.some((e) => e.actor.type === 'user') && denials.some((e) => e.actor.type === 'api_key'),
    );
  });
});

describe('attack: trusted proxies', () => {
  it('reads X-Forwarded-For only from the proxies ASSAY_TRUST_PROXY names', async () => {
    const proxied = await startTestServer({ background: [], env: { ASSAY_TRUST_PROXY: 'loopback' } });
    try {
      const { client, apiKeyId } = await keyClient(proxied, {
        scopes: ['runs:read'],
        ipAllowlist: ['203.0.113.0/24'],
      });
      const via = (xff: string) =>
        rawRequest(proxied.url, {
          method: 'GET',
          path: ME,
          headers: { authorization: `Bearer ${client.key}`, 'x-forwarded-for': xff },
        });
      assert.equal((await via('203.0.113.5')).status, 200);
      // The client's own claim sits left of what the trusted proxy saw: the rightmost untrusted hop wins.
      assert.equal((await via('203.0.113.5, 198.51.100.9')).status, 403);
      const stored = await proxied.container.stores.apiKeys.get(proxied.organisation.id, apiKeyId);
      assert.equal(stored?.lastUsedIp, '203.0.113.5');
    } finally {
      await proxied.close();
    }
  });
});
