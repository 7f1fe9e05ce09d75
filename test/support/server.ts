/**
 * The real Assay server for end-to-end tests: the same start path as `assay serve` (container,
 * migrations, bootstrap, background components, Express, listening socket) on 127.0.0.1 with a free
 * port, on PGlite. By default every server of a test process shares one database and gets an
 * organisation of its own, so tests never see each other's rows; `freshDatabase: true` gives an empty
 * database (first-start tests).
 *
 *   const server = await startTestServer();
 *   const admin = await server.login('admin');          // a new admin of server.organisation, signed in
 *   const res = await admin.post('/api/v1/api-keys', { name: 'ci', scopes: ['runs:write'] });
 *   const ci = await server.apiKey(['runs:write']);     // a client authenticated by a new API key
 *   const other = await server.otherOrganisation();     // { organisation, owner } for tenancy checks
 *   await server.close();
 *
 * Clients send JSON, keep their cookie and CSRF token, and return `{ status, headers, body }` with the
 * body parsed when it is JSON. `server.clock` is a manual clock unless one is given.
 *
 * With `ASSAY_TEST_MODE=distributed` in the environment when `startTestServer` is called, the server
 * runs in distributed mode instead: a throwaway PostgreSQL database of its own (always empty, so
 * `freshDatabase` only decides the bootstrap) and the Redis adapters on the shared Redis under a key
 * prefix of its own; `close()` drops the database and deletes the keys. It still executes runs itself
 * (`ASSAY_EXECUTE_RUNS=true`) unless `env` says otherwise.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Database } from '../../src/adapters/postgres/database.ts';
import type { BackgroundComponent } from '../../src/cli/background.ts';
import { startServer } from '../../src/cli/server.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Container } from '../../src/container.ts';
import { type Clock, type ManualClock, manualClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { Organisation, Role } from '../../src/ports/organisation-store.ts';
import type { Scope } from '../../src/services/access.ts';
import { createApiKey } from '../../src/services/api-keys.ts';
import { hashPassword } from '../../src/services/passwords.ts';
import {
  createPostgresDatabase,
  freshPgliteDatabase,
  sharedPgliteDatabase,
  type TestPostgres,
} from './db.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from './redis.ts';

/** The password of every user the helpers create. */
export const TEST_PASSWORD = 'correct horse battery staple';

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field.
export type Json = any;

export interface TestResponse {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Leave out the session's CSRF token (to test the check). */
  csrf?: boolean;
  /** Sent as is instead of JSON. */
  raw?: string;
}

export interface TestClient {
  /** Set for people. */
  userId: string | null;
  email: string | null;
  organisationId: string | null;
  csrfToken: string | null;
  /** `assay_session=…`, for people signed in. */
  cookie: string | null;
  /** The API key, for key clients. */
  key: string | null;
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  get(path: string, options?: RequestOptions): Promise<TestResponse>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  patch(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  delete(path: string, options?: RequestOptions): Promise<TestResponse>;
}

export interface TestServer {
  url: string;
  container: Container;
  /** The server's database, for checks below the API. */
  database: Database;
  clock: Clock;
  /** The organisation `login` and `apiKey` act in unless told otherwise. */
  organisation: Organisation;
  /** Every log line written while the server ran (JSON objects). */
  logs: Record<string, unknown>[];
  /** The one-time setup URL when started on a fresh database without ASSAY_ADMIN_*. */
  setupUrl: string | null;
  /** A client with no credentials. */
  anonymous: TestClient;
  /** Creates a person with `role` in the organisation and signs them in over HTTP. */
  login(role: Role, options?: { organisationId?: string }): Promise<TestClient>;
  /** Signs in an existing account over HTTP. */
  loginAs(email: string, password?: string): Promise<TestClient>;
  /** Creates an API key with `scopes` in the organisation. */
  apiKey(scopes: Scope[], options?: { organisationId?: string }): Promise<TestClient>;
  /** A second organisation with a signed-in owner, for tenancy checks. */
  otherOrganisation(): Promise<{ organisation: Organisation; owner: TestClient }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Defaults to a manual clock at the current time. */
  clock?: Clock;
  /** An empty database of its own instead of the shared one; bootstraps like a first start. */
  freshDatabase?: boolean;
  /** Extra environment settings (`ASSAY_SESSION_IDLE_TTL`, `ASSAY_ADMIN_EMAIL` …). */
  env?: Record<string, string>;
  /** Background components; defaults to those `assay serve` runs. */
  background?: readonly BackgroundComponent[];
}

let passwordHash: Promise<string> | undefined;

function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function createClient(baseUrl: string, credentials: Partial<TestClient> = {}): TestClient {
  const client: TestClient = {
    userId: null,
    email: null,
    organisationId: null,
    csrfToken: null,
    cookie: null,
    key: null,
    ...credentials,
    async request(method, path, body, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (client.cookie) headers.cookie = client.cookie;
      if (client.key) headers.authorization = `Bearer ${client.key}`;
      if (client.csrfToken && options.csrf !== false) headers['x-csrf-token'] = client.csrfToken;
      let payload: string | undefined = options.raw;
      if (body !== undefined && payload === undefined) {
        payload = JSON.stringify(body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: payload ?? null,
        redirect: 'manual',
      });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      const parsed: Json = /json/.test(type) && text ? JSON.parse(text) : text;
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    get: (path, options) => client.request('GET', path, undefined, options),
    post: (path, body, options) => client.request('POST', path, body, options),
    patch: (path, body, options) => client.request('PATCH', path, body, options),
    delete: (path, options) => client.request('DELETE', path, undefined, options),
  };
  return client;
}

/** The `name=value` of the session cookie set by a response, or null. */
export function sessionCookieOf(response: TestResponse): string | null {
  for (const line of response.headers.getSetCookie()) {
    const match = /^(assay_session=[^;]*)/.exec(line);
    if (match?.[1]) return match[1];
  }
  return null;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = options.clock ?? (manualClock(new Date()) as ManualClock);
  const distributed = process.env.ASSAY_TEST_MODE === 'distributed';
  const postgres: TestPostgres | null = distributed ? await createPostgresDatabase() : null;
  const redisKeyPrefix = distributed ? testKeyPrefix('server') : undefined;
  const config = loadConfig({
    ASSAY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    ASSAY_DATA_DIR: '/nonexistent/assay-test',
    LOG_LEVEL: 'info',
    ...(postgres
      ? { DATABASE_URL: postgres.url, REDIS_URI: SHARED_REDIS_URI, ASSAY_EXECUTE_RUNS: 'true' }
      : {}),
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination, pretty: false });
  const fresh = options.freshDatabase === true;
  const database = postgres
    ? postgres.database
    : fresh
      ? await freshPgliteDatabase()
      : await sharedPgliteDatabase();
  async function release(): Promise<void> {
    if (postgres) {
      await postgres.drop();
      if (redisKeyPrefix) await deleteKeys(SHARED_REDIS_URI, redisKeyPrefix);
    } else if (fresh) await database.close();
  }
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer({
      config,
      logger,
      clock,
      database,
      port: 0,
      host: '127.0.0.1',
      bootstrap: fresh,
      ...(options.background ? { background: options.background } : {}),
      ...(redisKeyPrefix ? { redisKeyPrefix } : {}),
    });
  } catch (error) {
    await release();
    throw error;
  }
  const { container, url } = running;
  const { stores } = container;

  // On a shared database the server's own organisation; on a fresh one, made on first use.
  let organisation: Organisation | undefined = fresh
    ? undefined
    : await stores.organisations.create({ name: 'Test organisation', slug: unique('test') });

  async function defaultOrganisation(): Promise<Organisation> {
    organisation ??= await stores.organisations.create({ name: 'Test organisation', slug: unique('test') });
    return organisation;
  }

  async function loginAs(email: string, password = TEST_PASSWORD): Promise<TestClient> {
    const response = await createClient(url).post('/api/v1/auth/login', { email, password });
    if (response.status !== 200)
      throw new Error(`login of ${email} failed: ${response.status} ${response.text}`);
    return createClient(url, {
      userId: response.body.user.id,
      email,
      organisationId: response.body.organisation?.id ?? null,
      csrfToken: response.body.csrf_token,
      cookie: sessionCookieOf(response),
    });
  }

  async function login(role: Role, loginOptions: { organisationId?: string } = {}): Promise<TestClient> {
    const organisationId = loginOptions.organisationId ?? (await defaultOrganisation()).id;
    passwordHash ??= hashPassword(TEST_PASSWORD);
    const email = `${unique(role)}@example.test`;
    const user = await stores.users.create({ email, name: `Test ${role}`, passwordHash: await passwordHash });
    await stores.organisations.setMember({ organisationId, userId: user.id, role });
    return loginAs(email);
  }

  async function apiKey(scopes: Scope[], keyOptions: { organisationId?: string } = {}): Promise<TestClient> {
    const organisationId = keyOptions.organisationId ?? (await defaultOrganisation()).id;
    const { apiKey: created, key } = await createApiKey(
      { apiKeys: stores.apiKeys, audit: stores.audit },
      { organisationId, actor: { type: 'system', id: null }, ip: null },
      { name: unique('key'), scopes },
    );
    return createClient(url, { key, organisationId: created.organisationId });
  }

  return {
    url,
    container,
    database,
    clock,
    get organisation(): Organisation {
      if (!organisation) throw new Error('no organisation yet on a fresh database: call login() first');
      return organisation;
    },
    logs,
    setupUrl: running.setupUrl,
    anonymous: createClient(url),
    login,
    loginAs,
    apiKey,
    async otherOrganisation() {
      const other = await stores.organisations.create({ name: 'Other organisation', slug: unique('other') });
      return { organisation: other, owner: await login('owner', { organisationId: other.id }) };
    },
    async close() {
      await running.close();
      await release();
    },
  };
}
