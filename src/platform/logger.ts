/**
 * Structured logging: JSON lines (pino), readable on a terminal when pino-pretty is installed, with
 * credentials redacted and the current request id added to every line logged while serving a request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Field names whose values never reach a log line, at any of the first three nesting levels. */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'newPassword',
  'secret',
  'secrets',
  'token',
  'apiKey',
  'secretKey',
  'signingSecret',
  'x-api-key',
];

export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
  const dotted = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${dotted}`, `*.*${dotted}`, `*.*.*${dotted}`];
});

export interface RequestContext {
  requestId: string;
  /** Set once the request is authenticated, so lines can be traced to a tenant. */
  organisationId?: string;
}

const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with a request context; every log line written inside it carries `reqId`. */
export function withRequestContext<T>(context: RequestContext, fn: () => T): T {
  return requestContext.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return requestContext.getStore();
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; defaults to stdout (pretty when it is a terminal and pino-pretty is installed). */
  destination?: DestinationStream;
  /** Force or forbid pretty output; by default, pretty on a TTY. */
  pretty?: boolean;
  /** Fields on every line, e.g. `{ role: 'worker' }`. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? stdoutDestination(options.pretty);
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const context = requestContext.getStore();
        if (!context) return {};
        return context.organisationId
          ? { reqId: context.requestId, orgId: context.organisationId }
          : { reqId: context.requestId };
      },
    },
    destination,
  );
}

/** A logger that writes nothing, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function stdoutDestination(pretty: boolean | undefined): DestinationStream {
  const wantPretty = pretty ?? process.stdout.isTTY === true;
  if (wantPretty) {
    const prettyStream = loadPretty();
    if (prettyStream) return prettyStream;
  }
  return pino.destination({ fd: 1, sync: false });
}

/** pino-pretty is a development dependency: absent in production installs, where JSON is wanted anyway. */
function loadPretty(): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const build = require('pino-pretty') as (options: object) => DestinationStream;
    return build({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}
