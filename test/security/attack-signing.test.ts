/**
 * Attack suite — signed requests. A key that requires signatures refuses unsigned, tampered, skewed
 * and replayed requests; twenty simultaneous copies of one signed request are accepted exactly once;
 * with the nonce store down, signed requests are refused (503), never accepted unchecked. And the
 * real `assay run --remote` signs by itself when ASSAY_SIGNING_SECRET is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OperationalError } from '../../src/platform/errors.ts';
import { signRequest } from '../../src/services/signing.ts';
import { runCli } from '../fixtures/cli/run-cli.ts';
import { suiteYaml } from '../support/run-fixtures.ts';
import { saveSuite } from '../support/runs-http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { auditEntries, keyClient, rawRequest, unique } from './attack-fixtures.ts';

let server: TestServer;
let target: TargetServer;
let key: string;
let secret: string;
let apiKeyId: string;

before(async () => {
  target = await startTargetServer();
  server = await startTestServer({ env: { ASSAY_EGRESS_ALLOW: '127.0.0.0/8', ASSAY_RATE_LIMIT: '100000' } });
  const created = await keyClient(server, { scopes: ['admin'], requireSigning: true });
  key = created.client.key ?? '';
  secret = created.signingSecret ?? '';
  apiKeyId = created.apiKeyId;
});
after(async () => {
  await server.close();
  await target.close();
});

const PATH = '/api/v1/projects';
const now = () => Math.floor(server.clock.now().getTime() / 1000);

function body(): string {
  return JSON.stringify({ name: unique('signed') });
}

function send(input: { method?: string; path?: string; body?: string; signature?: string | null }) {
  const method = input.method ?? 'POST';
  const path = input.path ?? PATH;
  const payload = input.body ?? (method === 'GET' ? undefined : body());
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const signature =
    input.signature === undefined
      ? signRequest(secret, { method, path, body: payload ?? '' }, now())
      : input.signature;
  if (signature !== null) headers['assay-signature'] = signature;
  return rawRequest(server.url, {
    method,
    path,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
}

const codeOf = (response: { text: string }) => JSON.parse(response.text).code;

describe('attack: signed requests', () => {
  it('accepts a correctly signed request, and shows the signing secret only at creation', async () => {
    assert.match(secret, /^assay_sig_/);
    const response = await send({});
    assert.equal(response.status, 201, response.text);
    const read = await rawRequest(server.url, {
      method: 'GET',
      path: `/api/v1/api-keys/${apiKeyId}`,
      headers: {
        authorization: `Bearer ${key}`,
        'assay-signature': signRequest(
          secret,
          { method: 'GET', path: `/api/v1/api-keys/${apiKeyId}` },
          now(),
        ),
      },
    });
    assert.equal(read.status, 200, read.text);
    assert.equal(JSON.parse(read.text).signed_requests, true);
    assert.ok(!read.text.includes(secret));
    const row = await server.container.stores.apiKeys.get(server.organisation.id, apiKeyId);
    assert.ok(row?.signingSecret && !row.signingSecret.ciphertext.toString('latin1').includes(secret));
  });

  it('refuses a request without a signature, or with a malformed one', async () => {
    for (const signature of [null, 'garbage', `t=${now()}`, `t=${now()},v1=xyz`]) {
      const response = await send({ signature });
      assert.equal(response.status, 401, response.text);
      assert.equal(codeOf(response), 'signature_invalid');
    }
  });

  it('refuses a tampered body, path, query or method', async () => {
    const original = body();
    const signed = signRequest(secret, { method: 'POST', path: PATH, body: original }, now());
    const tampered = [
      send({ body: original.replace('signed', 'evil'), signature: signed }),
      send({ body: `${original} `, signature: signed }),
      send({ body: original, path: `${PATH}?x=1`, signature: signed }),
      send({ body: original, path: `${PATH}/`, signature: signed }),
      send({
        body: original,
        signature: signRequest(secret, { method: 'PATCH', path: PATH, body: original }, now()),
      }),
    ];
    for (const response of await Promise.all(tampered)) {
      assert.equal(response.status, 401, response.text);
      assert.equal(codeOf(response), 'signature_invalid');
    }
  });

  it('refuses timestamps more than 300 s away, and accepts them at the edge', async () => {
    for (const skew of [-301, 301, -100_000]) {
      const payload = body();
      const response = await send({
        body: payload,
        signature: signRequest(secret, { method: 'POST', path: PATH, body: payload }, now() + skew),
      });
      assert.equal(response.status, 401, `skew ${skew}: ${response.text}`);
      assert.match(JSON.parse(response.text).detail, /300 s/);
    }
    for (const skew of [-300, 300]) {
      const payload = body();
      const response = await send({
        body: payload,
        signature: signRequest(secret, { method: 'POST', path: PATH, body: payload }, now() + skew),
      });
      assert.equal(response.status, 201, `skew ${skew}: ${response.text}`);
    }
  });

  it('refuses a replay of an accepted request', async () => {
    const payload = body();
    const signature = signRequest(secret, { method: 'POST', path: PATH, body: payload }, now());
    assert.equal((await send({ body: payload, signature })).status, 201);
    const replay = await send({ body: payload, signature });
    assert.equal(replay.status, 401);
    assert.equal(codeOf(replay), 'signature_replayed');
  });

  it('accepts exactly one of 20 simultaneous copies of a signed request', async () => {
    const payload = body();
    const signature = signRequest(secret, { method: 'POST', path: PATH, body: payload }, now());
    const answers = await Promise.all(Array.from({ length: 20 }, () => send({ body: payload, signature })));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 401).length, 19);
    const created = await server.container.stores.projects.list(server.organisation.id, { limit: 200 });
    assert.equal(created.items.filter((p) => p.name === JSON.parse(payload).name).length, 1);
  });

  it('refuses signed requests with 503 while the nonce store is unreachable, never accepting them', async () => {
    const nonces = server.container.nonces;
    const original = nonces.setIfAbsent;
    nonces.setIfAbsent = async () => {
      throw new OperationalError({ dependency: 'redis', message: 'nonce store unreachable' });
    };
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => send({})));
      for (const answer of answers) {
        assert.equal(answer.status, 503, answer.text);
        assert.ok(answer.headers['retry-after']);
      }
    } finally {
      nonces.setIfAbsent = original;
    }
  });

  it('audits signature denials', async () => {
    const denials = (await auditEntries(server, server.organisation.id, 'access.denied')).filter(
      (e) => e.actor.id === apiKeyId && e.data.reason === 'signature',
    );
    assert.ok(denials.length >= 1);
  });

  it('creates signing keys over the API and assay run --remote signs with ASSAY_SIGNING_SECRET', async () => {
    const owner = await server.login('owner');
    const created = await owner.post('/api/v1/api-keys', {
      name: 'ci signed',
      scopes: ['runs:write'],
      require_signed_requests: true,
    });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.signing_secret, /^assay_sig_/);
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { steps: 1, name: 'Signed remote' }));
    const run = (env: Record<string, string | undefined>) =>
      runCli(['run', '--remote', server.url, '--suite', suiteId], { env });
    const unsigned = await run({ ASSAY_API_KEY: created.body.key });
    assert.equal(unsigned.code, 2, unsigned.stdout + unsigned.stderr);
    assert.match(unsigned.stderr, /signature/i);
    const signed = await run({
      ASSAY_API_KEY: created.body.key,
      ASSAY_SIGNING_SECRET: created.body.signing_secret,
    });
    assert.equal(signed.code, 0, signed.stdout + signed.stderr);
  });
});
