/**
 * Store decorators that put the hot reads behind the read cache and invalidate on every write that
 * changes them. The composition root wraps the stores once; use cases never see the difference.
 *
 * | cached read                                   | invalidated by                                              |
 * |-----------------------------------------------|-------------------------------------------------------------|
 * | session by id hash (embedded mode)            | touch, delete (logout), deleteForUser (password change)     |
 * | API key by prefix (authentication)            | revoke, update (rotation, allowlist, expiry), recordUse     |
 * | organisations of a person (authentication)    | setMember, removeMember                                     |
 * | organisation (settings)                       | update                                                      |
 * | suite                                         | addVersion (save), rename, delete; project delete           |
 * | suite version (immutable)                     | suite or project delete                                     |
 * | run, when final; its last attempt's steps     | claim, finish, release, requestCancel; deletes that cascade |
 *
 * Deleting a project, suite, environment or schedule changes or removes runs (cascades, `set null`),
 * so it drops every cached run of the organisation. Inside a transaction, reads are not cached (they
 * may see uncommitted rows) and invalidations wait for the end of the transaction.
 */
import type { ApiKeyStore } from '../ports/api-key-store.ts';
import type { Organisation, OrganisationStore, Role } from '../ports/organisation-store.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import type { SuiteStore } from '../ports/suite-store.ts';
import { cacheKey as key, type ReadCache } from './read-cache.ts';

/** Where writes report what they changed: at once (top-level stores) or at commit (transactions). */
interface Invalidations {
  keys(...keys: string[]): Promise<void>;
  prefix(prefix: string): Promise<void>;
}

const FINAL: ReadonlySet<string> = new Set(['passed', 'failed', 'errored', 'cancelled']);

/** The stores with cached reads; `sessions` is left as it is (see `withSessionCache`). */
export function withReadCache(stores: Stores, cache: ReadCache): Stores {
  return decorate(stores, cache, {
    keys: (...keys) => cache.invalidate(...keys),
    prefix: (prefix) => cache.invalidatePrefix(prefix),
  });
}

/**
 * Transactions over decorated stores: reads inside go to the database, and the keys the
 * transaction's writes touched are invalidated once it has ended (after the commit, so no reader can
 * cache a row from before it).
 */
export function withReadCacheTransactions(
  transaction: TransactionRunner,
  cache: ReadCache,
  adapt: (tx: Stores) => Stores = (tx) => tx,
): TransactionRunner {
  return async (work) => {
    const keys = new Set<string>();
    const prefixes = new Set<string>();
    const sink: Invalidations = {
      async keys(...changed) {
        for (const k of changed) keys.add(k);
      },
      async prefix(prefix) {
        prefixes.add(prefix);
      },
    };
    try {
      return await transaction((tx) => work(decorate(adapt(tx), null, sink)));
    } finally {
      await cache.invalidate(...keys);
      for (const prefix of prefixes) await cache.invalidatePrefix(prefix);
    }
  };
}

/**
 * Sessions read through the cache, for the database-backed session store. (In distributed mode the
 * sessions live in Redis itself and are not cached again.) A cached session is still checked against
 * `now`, so it expires exactly when the stored one does.
 */
export function withSessionCache(sessions: SessionStore, cache: ReadCache): SessionStore {
  return {
    ...sessions,
    async get(idHash, now) {
      const session = await cache.read('session', key.session(idHash), () => sessions.get(idHash, now));
      if (!session) return null;
      const t = now.getTime();
      return session.idleExpiresAt.getTime() > t && session.absoluteExpiresAt.getTime() > t ? session : null;
    },
    async touch(idHash, update) {
      await sessions.touch(idHash, update);
      await cache.invalidate(key.session(idHash));
    },
    async delete(idHash) {
      await sessions.delete(idHash);
      await cache.invalidate(key.session(idHash));
    },
    async deleteForUser(userId, options) {
      const count = await sessions.deleteForUser(userId, options);
      // The cache does not know which ids belong to the user: drop the family (a rare write).
      await cache.invalidatePrefix(key.allSessions());
      return count;
    },
  };
}

function decorate(stores: Stores, cache: ReadCache | null, invalidate: Invalidations): Stores {
  const runsPrefix = (org: string) => invalidate.prefix(key.runs(org));
  return {
    ...stores,
    apiKeys: apiKeys(stores.apiKeys, cache, invalidate),
    organisations: organisations(stores.organisations, cache, invalidate),
    suites: suites(stores.suites, cache, invalidate),
    runs: runs(stores.runs, cache, invalidate),
    projects: {
      ...stores.projects,
      async delete(org, projectId) {
        const deleted = await stores.projects.delete(org, projectId);
        await invalidate.prefix(key.suites(org));
        await runsPrefix(org);
        return deleted;
      },
    },
    environments: {
      ...stores.environments,
      async delete(org, environmentId) {
        const deleted = await stores.environments.delete(org, environmentId);
        await runsPrefix(org);
        return deleted;
      },
    },
    schedules: {
      ...stores.schedules,
      async delete(org, scheduleId) {
        const deleted = await stores.schedules.delete(org, scheduleId);
        await runsPrefix(org);
        return deleted;
      },
    },
  };
}

function apiKeys(inner: ApiKeyStore, cache: ReadCache | null, invalidate: Invalidations): ApiKeyStore {
  // recordUse names the key by id; the prefix is remembered from the lookup that preceded it.
  const prefixes = new Map<string, string>();
  const remember = <T extends { id: string; prefix: string } | null>(found: T): T => {
    if (found) {
      if (prefixes.size >= 10_000) prefixes.clear();
      prefixes.set(found.id, found.prefix);
    }
    return found;
  };
  return {
    ...inner,
    async findByPrefix(prefix) {
      const load = () => inner.findByPrefix(prefix);
      return remember(cache ? await cache.read('apiKey', key.apiKey(prefix), load) : await load());
    },
    async revoke(org, apiKeyId, at) {
      const existing = await inner.get(org, apiKeyId);
      const revoked = await inner.revoke(org, apiKeyId, at);
      if (existing) await invalidate.keys(key.apiKey(existing.prefix));
      return revoked;
    },
    async update(org, apiKeyId, patch) {
      const updated = await inner.update(org, apiKeyId, patch);
      if (updated) await invalidate.keys(key.apiKey(updated.prefix));
      return updated;
    },
    async recordUse(apiKeyId, use) {
      await inner.recordUse(apiKeyId, use);
      const prefix = prefixes.get(apiKeyId);
      if (prefix) await invalidate.keys(key.apiKey(prefix));
    },
  };
}

function organisations(
  inner: OrganisationStore,
  cache: ReadCache | null,
  invalidate: Invalidations,
): OrganisationStore {
  if (!cache) {
    return {
      ...inner,
      async update(org, patch) {
        const updated = await inner.update(org, patch);
        await invalidate.keys(key.organisation(org));
        return updated;
      },
      async setMember(input) {
        const membership = await inner.setMember(input);
        await invalidate.keys(key.memberships(input.userId));
        return membership;
      },
      async removeMember(org, userId) {
        const removed = await inner.removeMember(org, userId);
        await invalidate.keys(key.memberships(userId));
        return removed;
      },
    };
  }
  const getOrganisation = (org: string) =>
    cache.read('organisation', key.organisation(org), () => inner.get(org));
  return {
    ...organisations(inner, null, invalidate),
    get: getOrganisation,
    // Memberships and organisations are cached apart, so a settings change invalidates one key
    // instead of the lists of every member.
    async listForUser(userId) {
      const memberships = await cache.read('memberships', key.memberships(userId), async () =>
        (await inner.listForUser(userId)).map((o) => ({ organisationId: o.id, role: o.role })),
      );
      const result: (Organisation & { role: Role })[] = [];
      for (const membership of memberships ?? []) {
        const organisation = await getOrganisation(membership.organisationId);
        if (organisation) result.push({ ...organisation, role: membership.role });
      }
      return result;
    },
  };
}

function suites(inner: SuiteStore, cache: ReadCache | null, invalidate: Invalidations): SuiteStore {
  return {
    ...inner,
    ...(cache
      ? {
          get: (org: string, suiteId: string) =>
            cache.read('suite', key.suite(org, suiteId), () => inner.get(org, suiteId)),
          getVersion: (org: string, suiteId: string, version?: number) =>
            version === undefined
              ? inner.getVersion(org, suiteId)
              : cache.read('suiteVersion', key.suiteVersion(org, suiteId, version), () =>
                  inner.getVersion(org, suiteId, version),
                ),
        }
      : {}),
    async addVersion(org, suiteId, version) {
      const added = await inner.addVersion(org, suiteId, version);
      await invalidate.keys(key.suite(org, suiteId));
      return added;
    },
    async rename(org, suiteId, name) {
      const renamed = await inner.rename(org, suiteId, name);
      await invalidate.keys(key.suite(org, suiteId));
      return renamed;
    },
    async delete(org, suiteId) {
      const deleted = await inner.delete(org, suiteId);
      await invalidate.prefix(key.suite(org, suiteId));
      await invalidate.prefix(key.runs(org));
      return deleted;
    },
  };
}

function runs(inner: RunStore, cache: ReadCache | null, invalidate: Invalidations): RunStore {
  const changed = (org: string, runId: string) => invalidate.keys(key.run(org, runId));
  return {
    ...inner,
    ...(cache
      ? {
          get: (org: string, runId: string) =>
            cache.read(
              'run',
              key.run(org, runId),
              () => inner.get(org, runId),
              (run) => FINAL.has(run.status),
            ),
          async listStepResults(org: string, runId: string, options?: { attempt?: number }) {
            const load = () => inner.listStepResults(org, runId, options);
            const attempt = options?.attempt;
            if (attempt === undefined) return load();
            // Only the last attempt of a finished run is fixed; the run entry says whether it is one.
            const run = await cache.peek<{ status: string; attempt: number }>('run', key.run(org, runId));
            if (!run || !FINAL.has(run.status) || run.attempt !== attempt) return load();
            return (await cache.read('runSteps', key.runSteps(org, runId, attempt), load)) ?? [];
          },
        }
      : {}),
    async claim(org, runId, at) {
      const claimed = await inner.claim(org, runId, at);
      await changed(org, runId);
      return claimed;
    },
    async finish(org, runId, outcome) {
      const finished = await inner.finish(org, runId, outcome);
      await changed(org, runId);
      return finished;
    },
    async release(org, runId, release) {
      const released = await inner.release(org, runId, release);
      await changed(org, runId);
      return released;
    },
    async requestCancel(org, runId, at) {
      const run = await inner.requestCancel(org, runId, at);
      await changed(org, runId);
      return run;
    },
  };
}
