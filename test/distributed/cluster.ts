/**
 * Distributed mode with real processes for the tests of this folder: `node src/cli/main.ts serve` and
 * `… worker` children on a private redis-server (the tests flush, kill and restart it) and a throwaway
 * PostgreSQL database, with a loopback target server for the runs to call. The organisation, project,
 * suite and API key are created through the API, as an operator would (admin bootstrap env vars).
 *
 * Every HTTP request made here has a client-side deadline; a request that reaches it is counted as
 * hung (`Cluster.hung`) instead of waiting, so the tests can assert that none did.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createPostgresDatabase, type TestPostgres } from '../support/db.ts';
import { type OwnRedisServer, startRedisServer } from '../support/redis.ts';
import { freePort } from '../support/server-process.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
/** Kept of each process's output, for failure messages. */
const OUTPUT_TAIL = 4 * 1024 * 1024;

export const ADMIN = { email: 'owner@example.test', password: 'correct horse battery staple' };

export interface AssayProcess {
  name: string;
  role: 'serve' | 'worker';
  /** serve: the API; worker: its /healthz and /readyz. */
  url: string;
  child: ChildProcess;
  output(): string;
  /** The exit code, or the signal name. */
  exited: Promise<number | string>;
}

export interface TargetServer {
  url: string;
  /** Requests received, by path without the query. */
  readonly requests: number;
  close(): Promise<void>;
}

/** `GET /items/:n?delay=<ms>` answers `{ ok: true }` after the delay. */
export async function startTarget(): Promise<TargetServer> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export class HungRequestError extends Error {}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field.
  body: any;
}

export interface ClusterOptions {
  apis?: number;
  workers?: number;
  /** Extra environment of every process. */
  env?: Record<string, string>;
  /** Redis persists to an append-only file, so a restart keeps (most of) its data. */
  appendonly?: boolean;
}

export interface Cluster {
  redis: OwnRedisServer;
  postgres: TestPostgres;
  /** A pool on the test database, for checks. */
  db: pg.Pool;
  target: TargetServer;
  apis: AssayProcess[];
  workers: AssayProcess[];
  apiKey: string;
  organisationId: string;
  projectId: string;
  suiteId: string;
  /** Requests that reached their client-side deadline. */
  readonly hung: string[];
  /** A request with a deadline (default 10 s); a hung one is recorded and rethrown as HungRequestError. */
  request(base: string, path: string, init?: RequestInit & { deadlineMs?: number }): Promise<Reply>;
  startWorker(name: string): Promise<AssayProcess>;
  /** What every process wrote: the last `tail` characters of each (default 20,000, for failure messages). */
  logs(tail?: number): string;
  stop(): Promise<void>;
}

export async function spawnAssay(
  role: 'serve' | 'worker',
  name: string,
  env: Record<string, string>,
): Promise<AssayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, role], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      ...(role === 'serve' ? { PORT: String(port) } : { ASSAY_WORKER_PORT: String(port) }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_TAIL * 2) output = output.slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100, null))]);
    if (early !== null) throw new Error(`assay ${role} ${name} exited (${early}):\n${output}`);
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`assay ${role} ${name} did not become ready:\n${output}`);
    }
  }
  return { name, role, url, child, output: () => output, exited };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const redis = await startRedisServer({ appendonly: options.appendonly ?? false });
  const postgres = await createPostgresDatabase({ migrate: false });
  const target = await startTarget();
  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const processes: AssayProcess[] = [];
  const hung: string[] = [];
  const env: Record<string, string> = {
    REDIS_URI: redis.uri,
    DATABASE_URL: postgres.url,
    ASSAY_DATABASE_POOL_SIZE: '4',
    ASSAY_SECRET_KEY: randomBytes(32).toString('base64'),
    ASSAY_ADMIN_EMAIL: ADMIN.email,
    ASSAY_ADMIN_PASSWORD: ADMIN.password,
    // The runs call a loopback target, which the egress guard refuses unless allowed.
    ASSAY_EGRESS_ALLOW: '127.0.0.0/8',
    // One organisation triggers hundreds of runs from one key in seconds.
    ASSAY_RUNS_IN_FLIGHT: '10000',
    ASSAY_RATE_LIMIT: '1000000',
    ASSAY_SSE_MAX_PER_USER: '10000',
    ASSAY_RECONCILE_INTERVAL: '2s',
    ASSAY_SCHEDULER_INTERVAL: '1s',
    ASSAY_SHUTDOWN_GRACE: '10s',
    LOG_LEVEL: 'info',
    ...options.env,
  };

  const request: Cluster['request'] = async (base, path, init = {}) => {
    const { deadlineMs = 10_000, ...rest } = init;
    const what = `${rest.method ?? 'GET'} ${base}${path}`;
    try {
      const response = await fetch(`${base}${path}`, { ...rest, signal: AbortSignal.timeout(deadlineMs) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        hung.push(what);
        throw new HungRequestError(`${what} did not answer within ${deadlineMs} ms`);
      }
      const exits = processes.map((p) => `${p.name}: ${p.child.exitCode ?? p.child.signalCode ?? 'running'}`);
      throw new Error(`${what} failed (${exits.join(', ')})`, { cause: error });
    }
  };

  const stop = async () => {
    await Promise.all(
      processes.map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await p.exited;
      }),
    );
    await db.end();
    await target.close();
    await redis.stop();
    await postgres.drop();
  };

  try {
    // The first API process applies the migrations and creates the owner; the others start after it.
    const apiCount = options.apis ?? 2;
    const first = await spawnAssay('serve', 'api-1', env);
    processes.push(first);
    const apis = [first];
    const started = await Promise.all([
      ...Array.from({ length: apiCount - 1 }, (_, i) => spawnAssay('serve', `api-${i + 2}`, env)),
      ...Array.from({ length: options.workers ?? 3 }, (_, i) => spawnAssay('worker', `worker-${i + 1}`, env)),
    ]);
    processes.push(...started);
    apis.push(...started.filter((p) => p.role === 'serve'));
    const workers = started.filter((p) => p.role === 'worker');

    const setup = await provision(first.url, target.url, request);
    return {
      redis,
      postgres,
      db,
      target,
      apis,
      workers,
      ...setup,
      hung,
      request,
      async startWorker(name) {
        const worker = await spawnAssay('worker', name, env);
        processes.push(worker);
        workers.push(worker);
        return worker;
      },
      logs: (tail = 20_000) => processes.map((p) => `--- ${p.name}\n${p.output().slice(-tail)}`).join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Signs in as the bootstrapped owner, creates an admin API key, a project and a one-step suite. */
async function provision(api: string, targetUrl: string, request: Cluster['request']) {
  const login = await request(api, '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await request(api, '/api/v1/api-keys', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': login.body.csrf_token },
    body: JSON.stringify({ name: 'distributed tests', scopes: ['admin'] }),
  });
  if (created.status !== 201) throw new Error(`api key: ${created.status} ${JSON.stringify(created.body)}`);
  const apiKey = created.body.key as string;
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const project = await request(api, '/api/v1/projects', {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'Distributed' }),
  });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  const source = [
    'version: 1',
    'name: One step',
    'variables: { delay: "0" }',
    'steps:',
    '  - name: item',
    `    request: { method: GET, url: "${targetUrl}/items/1?delay={{ delay }}" }`,
    '    expect: { status: 200, json: { $.ok: true } }',
    '',
  ].join('\n');
  const suite = await request(api, `/api/v1/projects/${project.body.id}/suites`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ source }),
  });
  if (suite.status !== 201) throw new Error(`suite: ${suite.status} ${JSON.stringify(suite.body)}`);
  return {
    apiKey,
    organisationId: login.body.organisation?.id ?? '',
    projectId: project.body.id as string,
    suiteId: suite.body.id as string,
  };
}
