/**
 * The run machinery without HTTP: real stores on the shared PGlite, the in-process queue and event
 * bus, and a target server to run suites against. Each harness has its own organisation and its own
 * queue, so tests in one process never see each other's runs.
 */
import { randomBytes } from 'node:crypto';
import { createMemoryEventBus } from '../../src/adapters/memory/event-bus.ts';
import { createMemoryJobQueue } from '../../src/adapters/memory/job-queue.ts';
import { createPostgresStores, createTransactionRunner } from '../../src/adapters/postgres/stores.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import type { EventBus } from '../../src/ports/event-bus.ts';
import type { JobQueue } from '../../src/ports/job-queue.ts';
import type { Stores } from '../../src/ports/stores.ts';
import type { Caller } from '../../src/services/caller.ts';
import type { RunRuntimeContainer } from '../../src/worker/runtime.ts';
import { sharedPgliteDatabase } from './db.ts';

export interface RunFixture {
  container: RunRuntimeContainer & { queues: Map<string, JobQueue<unknown>> };
  caller: Caller;
  projectId: string;
  /** Saves a suite (YAML) in the fixture's project; returns its id. */
  saveSuite(source: string, name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function runFixture(env: Record<string, string> = {}): Promise<RunFixture> {
  const { db } = await sharedPgliteDatabase();
  const config: Config = loadConfig({
    ASSAY_RECONCILE_INTERVAL: '1h',
    ASSAY_SCHEDULER_INTERVAL: '10m',
    // The targets of these tests are loopback servers, which the egress guard refuses by default.
    ASSAY_EGRESS_ALLOW: '127.0.0.0/8',
    ...env,
  });
  const stores = createPostgresStores({ db, clock: systemClock });
  const transaction = createTransactionRunner({ db, clock: systemClock });
  const events: EventBus = createMemoryEventBus();
  const queues = new Map<string, JobQueue<unknown>>();
  const container = {
    config,
    logger: silentLogger(),
    clock: systemClock,
    secretKey: randomBytes(32),
    stores,
    transaction,
    events,
    queues,
    queue<T>(name: string): JobQueue<T> {
      let queue = queues.get(name);
      if (!queue) {
        queue = createMemoryJobQueue<unknown>({ name });
        queues.set(name, queue);
      }
      return queue as JobQueue<T>;
    },
  };
  const { caller, projectId } = await seedProject(stores);
  return {
    container,
    caller,
    projectId,
    async saveSuite(source, name = `suite-${randomBytes(4).toString('hex')}`) {
      const { suite } = await stores.suites.create({
        organisationId: caller.organisationId,
        projectId,
        name,
        version: { source, format: 'yaml', parsed: {} },
      });
      return suite.id;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close({ signal: AbortSignal.abort() })));
      await events.close();
    },
  };
}

async function seedProject(stores: Stores): Promise<{ caller: Caller; projectId: string }> {
  const suffix = randomBytes(5).toString('hex');
  const organisation = await stores.organisations.create({ name: 'Acme', slug: `acme-${suffix}` });
  const user = await stores.users.create({ email: `runner-${suffix}@example.test`, name: 'Runner' });
  await stores.organisations.setMember({ organisationId: organisation.id, userId: user.id, role: 'member' });
  const project = await stores.projects.create({
    organisationId: organisation.id,
    name: 'API',
    slug: `api-${suffix}`,
  });
  return {
    caller: { organisationId: organisation.id, actor: { type: 'user', id: user.id }, ip: '127.0.0.1' },
    projectId: project.id,
  };
}

/** A suite of `steps` GETs against `baseUrl`; `path` defaults to /status/200. */
export function suiteYaml(
  baseUrl: string,
  options: { steps?: number; path?: string; name?: string } = {},
): string {
  const steps = Array.from({ length: options.steps ?? 1 }, (_, index) =>
    [
      `  - name: step ${index + 1}`,
      `    request: { method: GET, url: "${baseUrl}${options.path ?? '/status/200'}" }`,
      '    expect: { status: 200 }',
    ].join('\n'),
  );
  return `version: 1\nname: ${options.name ?? 'Fixture'}\nsteps:\n${steps.join('\n')}\n`;
}

/** Polls until `check` returns a value (never asserts timings: only an upper bound against hangs). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
