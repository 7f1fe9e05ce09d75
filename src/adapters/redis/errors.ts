/**
 * How Redis failures reach the rest of Assay: a connection problem (offline client, closed socket, no
 * answer in time, a server that is loading, read-only after a failover or out of memory) becomes an
 * `OperationalError` on dependency `redis`, which the HTTP layer answers with 503 + Retry-After. A
 * reply error that means our command was wrong (a bug) is left as it is.
 */
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';
import { OperationalError } from '../../platform/errors.ts';

/** Server replies that say "not now" rather than "wrong command". */
const TRANSIENT_REPLY = /^(OOM|LOADING|READONLY|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

const CONNECTION_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
];

export function isTransientRedisError(error: unknown): boolean {
  if (error instanceof OperationalError) return true;
  if (error instanceof ErrorReply) return TRANSIENT_REPLY.test(error.message);
  if (CONNECTION_ERRORS.some((kind) => error instanceof kind)) return true;
  if (!(error instanceof Error)) return false;
  // Socket errors (ECONNREFUSED, ECONNRESET, EPIPE …), and BullMQ's "Connection is closed."
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && /^E[A-Z]+$/.test(code)) || error.name === 'ConnectionClosedError';
}

/** Wraps a failed Redis call: connection problems become operational, bugs stay as they are. */
export function redisFailure(what: string, error: unknown): unknown {
  if (error instanceof OperationalError || !isTransientRedisError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new OperationalError({
    dependency: 'redis',
    message: `Redis is unavailable (${what}: ${reason})`,
    cause: error,
    retryAfterSeconds: 5,
  });
}

/**
 * Runs a Redis call on the request path with a deadline. Clients without an offline queue already
 * reject at once while disconnected; the deadline covers the command that was in flight when the
 * server stopped answering without closing the socket (a paused or partitioned server). The command
 * itself may still complete later; the caller has been answered by then.
 */
export async function withDeadline<T>(what: string, ms: number, operation: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new OperationalError({
            dependency: 'redis',
            message: `Redis did not answer within ${ms} ms (${what})`,
            code: 'redis_timeout',
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([operation(), deadline]);
  } catch (error) {
    throw redisFailure(what, error);
  } finally {
    clearTimeout(timer);
  }
}
