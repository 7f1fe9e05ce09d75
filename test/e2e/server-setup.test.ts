/**
 * First start: the owner from ASSAY_ADMIN_EMAIL/ASSAY_ADMIN_PASSWORD, or the one-time setup link.
 * Each case needs an empty database of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManualClock } from '../../src/platform/clock.ts';
import { createClient, sessionCookieOf, startTestServer } from '../support/server.ts';

const OWNER = {
  email: 'owner@example.test',
  password: 'the owner passphrase',
  organisation_name: 'Acme Ltd',
  name: 'Ada',
};

describe('first start without ASSAY_ADMIN_*', () => {
  it('logs a one-time setup link whose token creates the owner, once', async () => {
    const server = await startTestServer({ freshDatabase: true });
    try {
      assert.ok(server.setupUrl);
      const token = /#token=([A-Za-z0-9_-]+)$/.exec(server.setupUrl)?.[1];
      assert.ok(token, server.setupUrl);
      const logged = server.logs.find((line) => String(line.msg).includes(server.setupUrl ?? '?'));
      assert.ok(logged, 'the link is in the log');
      assert.equal(logged.level, 'warn');
      // Only its hash is stored.
      const rawIsStored = await server.container.stores.setupTokens.consume(token, new Date(0));
      assert.equal(rawIsStored, false, 'the raw token is not a stored key');

      assert.deepEqual((await server.anonymous.get('/api/v1/setup')).body, { setup_required: true });

      const wrong = await server.anonymous.post('/api/v1/setup', { ...OWNER, token: `${token}x` });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'unauthorized');

      const invalid = await server.anonymous.post('/api/v1/setup', {
        token,
        email: 'nope',
        password: 'short',
      });
      assert.equal(invalid.status, 400);
      assert.deepEqual(
        invalid.body.errors.map((p: { path: string }) => p.path),
        ['body.email', 'body.password', 'body.organisation_name'],
      );

      const created = await server.anonymous.post('/api/v1/setup', { ...OWNER, token });
      assert.equal(created.status, 201);
      assert.equal(created.body.organisation.name, 'Acme Ltd');
      assert.equal(created.body.organisation.slug, 'acme-ltd');
      assert.equal(created.body.organisation.role, 'owner');
      const owner = createClient(server.url, {
        cookie: sessionCookieOf(created),
        csrfToken: created.body.csrf_token,
      });
      const me = await owner.get('/api/v1/auth/me');
      assert.equal(me.body.role, 'owner');

      const again = await server.anonymous.post('/api/v1/setup', {
        ...OWNER,
        email: 'second@example.test',
        token,
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'setup_complete');
      assert.deepEqual((await server.anonymous.get('/api/v1/setup')).body, { setup_required: false });

      const audit = await owner.get('/api/v1/audit-log?action=setup.completed');
      assert.equal(audit.body.items.length, 1);

      await server.loginAs(OWNER.email, OWNER.password);
    } finally {
      await server.close();
    }
  });

  it('refuses an expired setup token', async () => {
    const server = await startTestServer({ freshDatabase: true });
    try {
      const token = /#token=([A-Za-z0-9_-]+)$/.exec(server.setupUrl ?? '')?.[1];
      (server.clock as ManualClock).advance(24 * 3_600_000 + 1);
      const response = await server.anonymous.post('/api/v1/setup', { ...OWNER, token });
      assert.equal(response.status, 401);
      assert.equal(
        response.body.detail,
        'the setup link is invalid, used or expired; restart the server for a new one',
      );
    } finally {
      await server.close();
    }
  });
});

describe('first start with ASSAY_ADMIN_EMAIL and ASSAY_ADMIN_PASSWORD', () => {
  it('creates the owner and organisation, and no setup link', async () => {
    const server = await startTestServer({
      freshDatabase: true,
      env: { ASSAY_ADMIN_EMAIL: 'admin@example.test', ASSAY_ADMIN_PASSWORD: 'admin passphrase 1' },
    });
    try {
      assert.equal(server.setupUrl, null);
      assert.ok(server.logs.some((line) => line.msg === 'owner account created from ASSAY_ADMIN_EMAIL'));
      assert.deepEqual((await server.anonymous.get('/api/v1/setup')).body, { setup_required: false });
      const owner = await server.loginAs('admin@example.test', 'admin passphrase 1');
      const me = await owner.get('/api/v1/auth/me');
      assert.equal(me.body.role, 'owner');
      assert.equal(me.body.organisation.name, 'Default');
      const setup = await server.anonymous.post('/api/v1/setup', { ...OWNER, token: 'anything' });
      assert.equal(setup.status, 409);
    } finally {
      await server.close();
    }
  });
});
