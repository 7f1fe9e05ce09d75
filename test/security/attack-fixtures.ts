/**
 * Fixtures of the attack suite: one resource of every kind in an organisation, written straight to
 * the stores (independent of the routes under attack), and the raw-request helpers the attacks need
 * (headers a normal client would never send, exact body bytes for signatures).
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { newId } from '../../src/platform/ids.ts';
import type { Scope } from '../../src/services/access.ts';
import { createApiKey } from '../../src/services/api-keys.ts';
import { hashPassword } from '../../src/services/passwords.ts';
import { createSecretCipher } from '../../src/services/secrets-crypto.ts';
import { createClient, TEST_PASSWORD, type TestClient, type TestServer } from '../support/server.ts';

export const SUITE_SOURCE =
  'version: 1\nname: attack\nsteps:\n  - name: ping\n    request: { method: GET, url: "http://127.0.0.1:9/" }\n';

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Every kind of resource a route can name in its path, keyed by the route parameter. */
export interface OrganisationResources {
  organisationId: string;
  params: Record<string, string>;
}

export async function seedResources(
  server: TestServer,
  organisationId: string,
): Promise<OrganisationResources> {
  const { stores } = server.container;
  const project = await stores.projects.create({ organisationId, name: 'Target', slug: unique('p') });
  const { suite } = await stores.suites.create({
    organisationId,
    projectId: project.id,
    name: unique('s'),
    version: { source: SUITE_SOURCE, format: 'yaml', parsed: { version: 1, name: 'attack', steps: [] } },
  });
  const environment = await stores.environments.create({
    organisationId,
    projectId: project.id,
    name: unique('e'),
  });
  await stores.environments.putSecret(organisationId, environment.id, {
    name: 'TOKEN',
    ciphertext: Buffer.from('x'),
    iv: Buffer.alloc(12),
    tag: Buffer.alloc(16),
    keyId: 'test',
  });
  const schedule = await stores.schedules.create({
    organisationId,
    projectId: project.id,
    suiteId: suite.id,
    cron: '@daily',
    timezone: 'UTC',
    nextFireAt: null,
  });
  const { run } = await stores.runs.create({
    organisationId,
    projectId: project.id,
    suiteId: suite.id,
    suiteVersion: 1,
    trigger: 'manual',
    queuedAt: new Date(),
  });
  const user = await stores.users.create({
    email: `${unique('member')}@example.test`,
    passwordHash: await hashPassword(TEST_PASSWORD),
  });
  await stores.organisations.setMember({ organisationId, userId: user.id, role: 'member' });
  const { apiKey } = await createApiKey(
    { apiKeys: stores.apiKeys, audit: stores.audit },
    { organisationId, actor: { type: 'system', id: null }, ip: null },
    { name: unique('k'), scopes: ['runs:read'] },
  );
  const channel = await stores.notifications.createChannel({
    id: newId(),
    organisationId,
    projectId: project.id,
    name: 'Target',
    url: 'https://hooks.example.com/target',
    events: ['run.failed'],
    secret: { ciphertext: Buffer.from('x'), iv: Buffer.alloc(12), tag: Buffer.alloc(16), keyId: 'test' },
  });
  const { delivery } = await stores.notifications.createDelivery({
    organisationId,
    channelId: channel.id,
    runId: run.id,
    event: 'run.failed',
    dedupeKey: `run:${run.id}:run.failed`,
    payload: {},
  });
  return {
    organisationId,
    params: {
      projectId: project.id,
      suiteId: suite.id,
      version: '1',
      environmentId: environment.id,
      name: 'TOKEN',
      scheduleId: schedule.id,
      runId: run.id,
      userId: user.id,
      apiKeyId: apiKey.id,
      channelId: channel.id,
      deliveryId: delivery.id,
    },
  };
}

/** A key made directly (with options the test helper does not offer), as a client. */
export async function keyClient(
  server: TestServer,
  input: {
    scopes: Scope[];
    ipAllowlist?: string[];
    requireSigning?: boolean;
    expiresAt?: Date;
    organisationId?: string;
  },
): Promise<{ client: TestClient; apiKeyId: string; signingSecret: string | null }> {
  const { stores } = server.container;
  const organisationId = input.organisationId ?? server.organisation.id;
  const created = await createApiKey(
    {
      apiKeys: stores.apiKeys,
      audit: stores.audit,
      cipher: createSecretCipher({ key: server.container.secretKey }),
    },
    { organisationId, actor: { type: 'system', id: null }, ip: null },
    {
      name: unique('key'),
      scopes: input.scopes,
      ipAllowlist: input.ipAllowlist,
      requireSigning: input.requireSigning,
      expiresAt: input.expiresAt,
    },
  );
  return {
    client: createClient(server.url, { key: created.key, organisationId }),
    apiKeyId: created.apiKey.id,
    signingSecret: created.signingSecret,
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A request with exactly these bytes and headers, over node:http (fetch refuses some headers and
 * normalises others). Loopback only: `url` is the test server's.
 */
export function rawRequest(
  url: string,
  input: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error('attack requests go to the loopback test server only');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: input.method,
        path: input.path,
        headers: {
          ...(input.body !== undefined ? { 'content-length': String(Buffer.byteLength(input.body)) } : {}),
          ...input.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (input.body !== undefined) req.write(input.body);
    req.end();
  });
}

/** The audit entries of an organisation, newest first, read from the store. */
export async function auditEntries(server: TestServer, organisationId: string, action?: string) {
  return (await server.container.stores.audit.list(organisationId, action ? { action } : {}, { limit: 200 }))
    .items;
}
