/**
 * Graceful shutdown. Components register a hook when they start; on SIGTERM/SIGINT hooks run one at a
 * time in reverse order of registration (the HTTP server, started last, stops accepting first; the
 * database, opened first, closes last). A deadline bounds the whole sequence: when it passes, hooks
 * still running are told through their AbortSignal and the process exits with code 1. A second
 * signal exits at once.
 */
import type { Logger } from './logger.ts';

export type ShutdownHook = (signal: AbortSignal) => Promise<void> | void;

export interface Shutdown {
  /** Registers a hook; hooks run last-registered first. */
  onShutdown(name: string, hook: ShutdownHook): void;
  /** Runs the hooks once; later calls return the same promise. Resolves true if all finished in time. */
  shutdown(reason: string): Promise<boolean>;
  /** Aborted as soon as shutdown begins: long loops (schedulers, pollers) watch it to stop early. */
  readonly signal: AbortSignal;
  /** Calls `shutdown` on SIGTERM/SIGINT then exits; returns a function that removes the handlers. */
  installSignalHandlers(): () => void;
}

export interface ShutdownOptions {
  logger: Logger;
  graceMs: number;
  /** Replaced in tests. */
  exit?: (code: number) => void;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, graceMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const hooks: { name: string; hook: ShutdownHook }[] = [];
  const started = new AbortController();
  let running: Promise<boolean> | undefined;

  async function runHooks(reason: string): Promise<boolean> {
    started.abort(new Error(reason));
    const deadline = new AbortController();
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        logger.error({ pending: [...pending], graceMs }, 'shutdown deadline passed');
        deadline.abort(new Error('shutdown deadline passed'));
        resolve(false);
      }, graceMs);
    });
    const sequence = (async () => {
      for (const { name, hook } of [...hooks].reverse()) {
        if (deadline.signal.aborted) return false;
        pending.add(name);
        try {
          await hook(deadline.signal);
          logger.debug({ hook: name }, 'shutdown hook finished');
        } catch (error) {
          logger.error({ err: error, hook: name }, 'shutdown hook failed');
        } finally {
          pending.delete(name);
        }
      }
      return true;
    })();
    logger.info({ reason, graceMs }, 'shutting down');
    const finished = await Promise.race([sequence, expired]);
    clearTimeout(timer);
    return finished;
  }

  const api: Shutdown = {
    signal: started.signal,
    onShutdown(name, hook) {
      hooks.push({ name, hook });
    },
    shutdown(reason) {
      running ??= runHooks(reason);
      return running;
    },
    installSignalHandlers() {
      const handler = (signal: NodeJS.Signals) => {
        if (running) {
          logger.warn({ signal }, 'second signal: exiting now');
          exit(1);
          return;
        }
        void api.shutdown(signal).then((clean) => exit(clean ? 0 : 1));
      };
      process.on('SIGTERM', handler);
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
      };
    },
  };
  return api;
}
