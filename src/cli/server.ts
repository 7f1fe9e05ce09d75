/**
 * The server process, as `assay serve` runs it and as the end-to-end tests start it: build the
 * container (migrations applied), make sure an owner exists or can be created, start the background
 * components, listen. Shutdown hooks are registered so that they run in the reverse order: stop
 * accepting HTTP, stop background work (runs finish or are marked for resumption), close storage.
 */
import type { Config } from '../config/config.ts';
import { type Container, type ContainerOptions, createContainer } from '../container.ts';
import { createApp } from '../http/app.ts';
import { redisChecks } from '../http/health.ts';
import { type Listening, listen } from '../http/listen.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { createShutdown, type Shutdown } from '../platform/shutdown.ts';
import { bootstrapOwner } from '../services/accounts.ts';
import { BACKGROUND_COMPONENTS, type BackgroundComponent } from './background.ts';

export interface StartServerOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Tests pass a shared open database (see ContainerOptions.database). */
  database?: ContainerOptions['database'];
  /** Defaults to the configured port and host. */
  port?: number;
  host?: string;
  /** Defaults to a new one; `assay serve` installs its signal handlers. */
  shutdown?: Shutdown;
  /** Defaults to every component the server runs. */
  background?: readonly BackgroundComponent[];
  /** Create the first owner or the setup link (default true). */
  bootstrap?: boolean;
  /** Distributed mode: namespace of the Redis keys (see ContainerOptions.redisKeyPrefix); tests set their own. */
  redisKeyPrefix?: string;
}

export interface RunningServer {
  url: string;
  container: Container;
  listening: Listening;
  shutdown: Shutdown;
  /** The one-time setup URL printed on a fresh install without ASSAY_ADMIN_*; null otherwise. */
  setupUrl: string | null;
  /** Graceful stop (same as a SIGTERM without exiting). */
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const shutdown = options.shutdown ?? createShutdown({ logger, graceMs: config.server.shutdownGraceMs });
  const container = await createContainer({
    config,
    logger,
    processName: 'api',
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.redisKeyPrefix ? { redisKeyPrefix: options.redisKeyPrefix } : {}),
  });
  shutdown.onShutdown('storage', (deadline) => container.close({ signal: deadline }));

  try {
    const setupUrl = options.bootstrap === false ? null : await bootstrap(container);

    for (const component of options.background ?? BACKGROUND_COMPONENTS) {
      const stop = await component.start({ container, shuttingDown: shutdown.signal });
      shutdown.onShutdown(component.name, stop);
    }

    const app = createApp({ container, closing: shutdown.signal, readiness: redisChecks(container.redis) });
    const listening = await listen(app, {
      port: options.port ?? config.server.port,
      host: options.host ?? config.server.host,
    });
    shutdown.onShutdown('http', (deadline) => listening.close(deadline));
    return {
      url: listening.url,
      container,
      listening,
      shutdown,
      setupUrl,
      close: async () => {
        await shutdown.shutdown('closed');
      },
    };
  } catch (error) {
    await shutdown.shutdown('start failed');
    throw error;
  }
}

async function bootstrap(container: Container): Promise<string | null> {
  const { config, logger } = container;
  const outcome = await bootstrapOwner(
    {
      users: container.stores.users,
      setupTokens: container.stores.setupTokens,
      transaction: container.transaction,
      clock: container.clock,
    },
    { admin: config.accounts.admin },
  );
  if (outcome.kind === 'owner_created') {
    logger.info({ email: outcome.email }, 'owner account created from ASSAY_ADMIN_EMAIL');
    return null;
  }
  if (outcome.kind === 'setup_required') {
    const url = `${config.server.publicUrl}/setup#token=${outcome.token}`;
    logger.warn(
      { expiresAt: outcome.expiresAt.toISOString() },
      `no account yet: open ${url} to create the owner (or POST the token to /api/v1/setup); the link works once`,
    );
    return url;
  }
  return null;
}
