/**
 * What `assay serve` and `assay worker` share: configuration read once (its problems as a usage error),
 * a logger for the process's role, graceful shutdown on SIGTERM/SIGINT whose exit code the command
 * returns, and a readable error when the port is taken.
 */
import { type Config, ConfigError, loadConfig } from '../config/config.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { createShutdown, type Shutdown } from '../platform/shutdown.ts';
import { EXIT, UsageError } from './command.ts';

export interface LongRunningProcess {
  config: Config;
  logger: Logger;
  shutdown: Shutdown;
  /** Resolves with the exit code once shutdown has finished. */
  stopped: Promise<number>;
}

export function startLongRunning(
  role: 'server' | 'worker',
  check?: (config: Config) => void,
): LongRunningProcess {
  const config = readConfig();
  check?.(config);
  const logger = createLogger({ level: config.log.level, base: { role } });
  let finish: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const shutdown = createShutdown({
    logger,
    graceMs: config.server.shutdownGraceMs,
    exit: (code) => finish(code),
  });
  shutdown.installSignalHandlers();
  return { config, logger, shutdown, stopped };
}

/** A port that cannot be bound is the operator's to fix: say which and how, not a stack trace. */
export function listenError(error: unknown, address: string, hint: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    return new UsageError(`cannot listen on ${address} (${code}); ${hint}`, EXIT.failed);
  }
  return error;
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
