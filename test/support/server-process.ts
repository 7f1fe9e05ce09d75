/**
 * `assay serve` as a child process on a PGlite data directory, for tests that kill and restart the
 * server. `prepareDataDir` seeds an organisation, a project, a suite and an API key directly in the
 * database first (the server is not running yet), so the test talks to the server with a real key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/postgres/database.ts';
import { migrate } from '../../src/adapters/postgres/migrate.ts';
import { createPostgresStores } from '../../src/adapters/postgres/stores.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createApiKey } from '../../src/services/api-keys.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface PreparedDataDir {
  dir: string;
  secretKey: string;
  organisationId: string;
  projectId: string;
  /** Suite ids by the names given. */
  suites: Record<string, string>;
  /** An API key with `runs:write`. */
  apiKey: string;
  remove(): Promise<void>;
}

export async function prepareDataDir(suites: Record<string, string>): Promise<PreparedDataDir> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-serve-'));
  const database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite') });
  try {
    await migrate(database.db);
    const stores = createPostgresStores({ db: database.db, clock: systemClock });
    const suffix = randomBytes(4).toString('hex');
    const organisation = await stores.organisations.create({ name: 'Acme', slug: `acme-${suffix}` });
    const user = await stores.users.create({ email: `owner-${suffix}@example.test`, name: 'Owner' });
    await stores.organisations.setMember({ organisationId: organisation.id, userId: user.id, role: 'owner' });
    const project = await stores.projects.create({
      organisationId: organisation.id,
      name: 'API',
      slug: 'api',
    });
    const ids: Record<string, string> = {};
    for (const [name, source] of Object.entries(suites)) {
      const { suite } = await stores.suites.create({
        organisationId: organisation.id,
        projectId: project.id,
        name,
        version: { source, format: 'yaml', parsed: {} },
      });
      ids[name] = suite.id;
    }
    const { key } = await createApiKey(
      { apiKeys: stores.apiKeys, audit: stores.audit },
      { organisationId: organisation.id, actor: { type: 'system', id: null }, ip: null },
      { name: 'tests', scopes: ['runs:write', 'suites:read'] },
    );
    return {
      dir,
      secretKey: randomBytes(32).toString('base64'),
      organisationId: organisation.id,
      projectId: project.id,
      suites: ids,
      apiKey: key,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } finally {
    await database.close();
  }
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr and stdout. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startServeProcess(
  data: PreparedDataDir,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      ASSAY_DATA_DIR: data.dir,
      ASSAY_SECRET_KEY: data.secretKey,
      ASSAY_EGRESS_ALLOW: '127.0.0.0/8',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const exitedEarly = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 50, null))]);
    if (exitedEarly !== null) throw new Error(`assay serve exited (${exitedEarly}):\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`assay serve did not become ready:\n${output}`);
    }
  }
  return { url, child, output: () => output, exited };
}
