/** Notification channels over the real listening server: CRUD, the secret shown once, URL policy, roles, audit. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestClient, type TestServer } from '../../../test/support/server.ts';

let server: TestServer;
let admin: TestClient;
let member: TestClient;
let projectId: string;

before(async () => {
  // Runs are not needed here; 127.0.0.1 alone is opened, as an operator would name one receiver.
  server = await startTestServer({ background: [], env: { ASSAY_EGRESS_ALLOW: '127.0.0.1/32' } });
  admin = await server.login('admin');
  member = await server.login('member');
  const project = await admin.post('/api/v1/projects', { name: 'Hooks' });
  projectId = project.body.id;
});
after(() => server.close());

const channels = () => `/api/v1/projects/${projectId}/notification-channels`;

describe('notification channels', () => {
  it('creates a channel and shows its secret once, then reads, lists, changes, rotates and deletes it', async () => {
    const created = await admin.post(channels(), {
      name: 'ops',
      url: 'https://hooks.example.com/assay?token=abc',
      events: ['run.failed', 'run.recovered', 'run.failed'],
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('location'), `${channels()}/${created.body.id}`);
    assert.match(created.body.secret, /^whsec_/);
    assert.deepEqual(created.body.events, ['run.failed', 'run.recovered']);
    assert.equal(created.body.enabled, true);
    assert.equal(created.body.kind, 'webhook');

    const read = await admin.get(`${channels()}/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, undefined);
    assert.equal(read.body.url, 'https://hooks.example.com/assay?token=abc');
    const stored = await server.container.stores.notifications.getChannel(
      server.organisation.id,
      created.body.id,
    );
    assert.ok(stored);
    assert.ok(!stored.secret.ciphertext.toString('latin1').includes(created.body.secret.slice(6, 20)));

    const list = await admin.get(channels());
    assert.deepEqual(
      list.body.items.map((c: { id: string }) => c.id),
      [created.body.id],
    );

    const changed = await admin.patch(`${channels()}/${created.body.id}`, {
      name: 'ops-2',
      events: ['run.finished'],
      enabled: false,
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.name, 'ops-2');
    assert.deepEqual(changed.body.events, ['run.finished']);
    assert.equal(changed.body.enabled, false);
    assert.equal(changed.body.secret, null);

    const rotated = await admin.patch(`${channels()}/${created.body.id}`, { rotate_secret: true });
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, created.body.secret);

    const deliveries = await admin.get(`${channels()}/${created.body.id}/deliveries`);
    assert.deepEqual(deliveries.body, { items: [], next_cursor: null });

    const deleted = await admin.delete(`${channels()}/${created.body.id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await admin.get(`${channels()}/${created.body.id}`)).status, 404);

    const actions = (
      await server.container.stores.audit.list(
        server.organisation.id,
        { targetType: 'notification_channel', targetId: created.body.id },
        { limit: 10 },
      )
    ).items.map((e) => e.action);
    assert.deepEqual(actions, [
      'notification_channel.deleted',
      'notification_channel.updated',
      'notification_channel.updated',
      'notification_channel.created',
    ]);
  });

  it('refuses URLs the egress policy forbids, at creation and on change', async () => {
    const forbidden = [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/hook',
      'http://127.1.2.3:8080/hook',
      'http://[::ffff:127.0.0.2]/hook',
      'http://2130706434/hook',
      'http://user:secret@hooks.example.com/',
      'file:///etc/passwd',
      'not a url',
    ];
    for (const url of forbidden) {
      const response = await admin.post(channels(), { name: 'x', url, events: ['run.failed'] });
      assert.equal(response.status, 422, `${url}: ${response.text}`);
      assert.equal(response.body.code, 'url_not_allowed');
      assert.equal(response.body.errors[0].path, 'body.url');
    }
    // The operator's allowlist opens exactly what it names.
    const allowed = await admin.post(channels(), {
      name: 'local',
      url: 'http://127.0.0.1:9/hook',
      events: ['run.finished'],
    });
    assert.equal(allowed.status, 201, allowed.text);
    const moved = await admin.patch(`${channels()}/${allowed.body.id}`, { url: 'http://192.168.1.10/' });
    assert.equal(moved.status, 422);
    assert.equal((await admin.get(`${channels()}/${allowed.body.id}`)).body.url, 'http://127.0.0.1:9/hook');
  });

  it('validates events and is for admins only', async () => {
    const noEvents = await admin.post(channels(), { name: 'x', url: 'https://h.example.com', events: [] });
    assert.equal(noEvents.status, 400);
    const unknown = await admin.post(channels(), {
      name: 'x',
      url: 'https://h.example.com',
      events: ['run.started'],
    });
    assert.equal(unknown.status, 400);
    assert.equal((await member.get(channels())).status, 403);
    assert.equal(
      (await member.post(channels(), { name: 'x', url: 'https://h.example.com', events: ['run.failed'] }))
        .status,
      403,
    );
    const runsKey = await server.apiKey(['runs:write']);
    assert.equal((await runsKey.get(channels())).status, 403);
    const adminKey = await server.apiKey(['admin']);
    assert.equal((await adminKey.get(channels())).status, 200);
  });

  it('answers 404 for a project or channel of another organisation, and for an unknown delivery', async () => {
    const { owner } = await server.otherOrganisation();
    assert.equal((await owner.get(channels())).status, 404);
    const created = await admin.post(channels(), {
      name: 'mine',
      url: 'https://hooks.example.com/mine',
      events: ['run.failed'],
    });
    const theirs = await owner.post('/api/v1/projects', { name: 'Theirs' });
    const cross = await owner.get(
      `/api/v1/projects/${theirs.body.id}/notification-channels/${created.body.id}`,
    );
    assert.equal(cross.status, 404);
    const redeliver = await admin.post(
      `${channels()}/${created.body.id}/deliveries/0190a0a0-0000-7000-8000-000000000000/redeliver`,
    );
    assert.equal(redeliver.status, 404);
  });
});
