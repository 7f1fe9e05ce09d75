/**
 * The worker process, as `assay worker` runs it and as tests start it: build the container (its Redis
 * connections are named `assay:worker:*`), recover runs left behind (the reconciler's first pass),
 * consume the job queues of the catalog (`runs` with ASSAY_WORKER_CONCURRENCY, and `webhooks`, whose
 * handler the run runtime registers with it), and keep reconciling. No HTTP
 * API: at most a /healthz and /readyz endpoint on ASSAY_WORKER_PORT for a supervisor.
 *
 * Shutdown hooks run in reverse order of registration: the job queues stop taking jobs and give the
 * active runs the grace period (those still going near its end go back to the queue for another
 * worker), then the health endpoint closes, then storage.
 */
import express from 'express';
import type { Config } from '../config/config.ts';
import { type Container, createContainer } from '../container.ts';
import {
  databaseChecks,
  livenessHandler,
  type ReadinessCheck,
  readinessHandler,
  redisChecks,
} from '../http/health.ts';
import { type Listening, listen } from '../http/listen.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { createShutdown, type Shutdown } from '../platform/shutdown.ts';
import { runsComponent } from '../worker/component.ts';
import type { BackgroundComponent } from './background.ts';

export interface StartWorkerOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Defaults to a new one; `assay worker` installs its signal handlers. */
  shutdown?: Shutdown;
  /** Tests isolate their keys on a shared Redis (see ContainerOptions.redisKeyPrefix). */
  redisKeyPrefix?: string;
  /** Defaults to ASSAY_WORKER_PORT (null: no health endpoint); 0 picks a free port. */
  healthPort?: number | null;
}

export interface RunningWorker {
  container: Container;
  shutdown: Shutdown;
  /** `http://host:port` of /healthz and /readyz; null without a health endpoint. */
  healthUrl: string | null;
  /** Graceful stop (same as a SIGTERM without exiting). */
  close(): Promise<void>;
}

/** What a worker process runs, in start order: every queue of the job catalog has its consumer here. */
export function workerComponents(config: Config): BackgroundComponent[] {
  return [
    // Schedules fire from API processes; a worker executes and reconciles (both safe on many processes).
    runsComponent({ execute: true, schedule: false, concurrency: config.worker.concurrency }),
  ];
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, logger } = options;
  const shutdown = options.shutdown ?? createShutdown({ logger, graceMs: config.server.shutdownGraceMs });
  const container = await createContainer({
    config,
    logger,
    processName: 'worker',
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.redisKeyPrefix ? { redisKeyPrefix: options.redisKeyPrefix } : {}),
  });
  shutdown.onShutdown('storage', (deadline) => container.close({ signal: deadline }));

  try {
    let consuming = false;
    const port = options.healthPort === undefined ? config.worker.port : options.healthPort;
    // Listening before the components start: liveness answers during recovery, readiness once consuming.
    const health =
      port === null
        ? null
        : await listenHealth(container, { port, host: config.server.host, shutdown }, () => consuming);
    if (health) shutdown.onShutdown('health', (deadline) => health.close(deadline));

    for (const component of workerComponents(config)) {
      const stop = await component.start({ container, shuttingDown: shutdown.signal });
      shutdown.onShutdown(component.name, stop);
    }
    consuming = true;
    return {
      container,
      shutdown,
      healthUrl: health?.url ?? null,
      close: async () => {
        await shutdown.shutdown('closed');
      },
    };
  } catch (error) {
    await shutdown.shutdown('start failed');
    throw error;
  }
}

/** /healthz (the process is alive) and /readyz (database, migrations, Redis, queues consumed). */
function listenHealth(
  container: Container,
  options: { port: number; host: string; shutdown: Shutdown },
  isConsuming: () => boolean,
): Promise<Listening> {
  const checks: Record<string, ReadinessCheck> = {
    ...databaseChecks(container.database),
    ...redisChecks(container.redis),
    queues: async () => {
      if (!isConsuming()) throw new Error('recovering runs; not consuming yet');
      return { consuming: true };
    },
  };
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', livenessHandler);
  app.get('/readyz', readinessHandler({ checks, isShuttingDown: () => options.shutdown.signal.aborted }));
  app.use((_req, res) => {
    res.status(404).json({ status: 'not_found' });
  });
  return listen(app, { port: options.port, host: options.host });
}
