/**
 * Probes. `/healthz` says the process serves requests (liveness: restart me if not). `/readyz` says
 * it can do useful work — the database answers and every migration the code knows is applied — with
 * the detail of each check (readiness: send me traffic). Distributed mode adds a Redis check through
 * `readiness` in the app options.
 */
import type { Request, Response } from 'express';
import type { DatabaseHealth } from '../ports/stores.ts';

/** Resolves with details when healthy; rejects (with a readable message) when not. */
export type ReadinessCheck = () => Promise<Record<string, unknown> | undefined>;

const CHECK_TIMEOUT_MS = 3_000;

export function databaseChecks(database: DatabaseHealth): Record<string, ReadinessCheck> {
  return {
    database: async () => {
      await database.ping();
      return { kind: database.kind };
    },
    migrations: async () => {
      const pending = await database.pendingMigrations();
      if (pending.length > 0) throw new Error(`migrations not applied: ${pending.join(', ')}`);
      return { pending: [] };
    },
  };
}

/**
 * Distributed mode: PING within a second and `maxmemory-policy` still `noeviction`. Red while Redis is
 * down; the process keeps serving what does not need it. No check without Redis (embedded mode).
 */
export function redisChecks(
  redis: { health(): Promise<Record<string, unknown>> } | null,
): Record<string, ReadinessCheck> {
  return redis ? { redis: () => redis.health() } : {};
}

async function runCheck(check: ReadinessCheck): Promise<Record<string, unknown>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: 'ok', ...detail };
  } catch (error) {
    return { status: 'failing', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function livenessHandler(_req: Request, res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.json({ status: 'ok' });
}

export function readinessHandler(options: {
  checks: Record<string, ReadinessCheck>;
  isShuttingDown: () => boolean;
}) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.setHeader('Cache-Control', 'no-store');
    if (options.isShuttingDown()) {
      res.status(503).json({ status: 'shutting_down', checks: {} });
      return;
    }
    const names = Object.keys(options.checks);
    const results = await Promise.all(names.map((name) => runCheck(options.checks[name] as ReadinessCheck)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const ready = results.every((result) => result.status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  };
}
