/**
 * Deletes expired browser sessions once an hour. Expired sessions are already refused at lookup; this
 * only keeps the table from growing. Several replicas sweeping at once do no harm (a DELETE by expiry).
 */
import type { Container } from '../container.ts';

/** A background component (see background.ts, which lists this one: typed here to avoid an import cycle). */
interface Component {
  name: string;
  start(deps: { container: Container }): Promise<(deadline: AbortSignal) => Promise<void>>;
}

export const SESSION_SWEEP_INTERVAL_MS = 3_600_000;

export function sessionSweeper(intervalMs = SESSION_SWEEP_INTERVAL_MS): Component {
  return {
    name: 'session-sweeper',
    async start({ container }) {
      const { stores, clock, logger } = container;
      const timer = setInterval(() => {
        stores.sessions.deleteExpired(clock.now()).then(
          (count) => {
            if (count > 0) logger.debug({ count }, 'expired sessions deleted');
          },
          (error: unknown) => logger.warn({ err: error }, 'could not delete expired sessions'),
        );
      }, intervalMs);
      timer.unref();
      return async () => clearInterval(timer);
    },
  };
}
