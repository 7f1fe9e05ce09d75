/**
 * Every environment variable Assay reads, with its parser and its one-line documentation. This is the
 * single source of truth: `loadConfig` parses it, `docs/configuration.md` is generated from it
 * (`node scripts/generate-config-doc.ts`), and a test fails when the two disagree.
 */
import { z } from 'zod';
import {
  checkEgressRange,
  checkOrigin,
  duration,
  integer,
  list,
  oneOf,
  optionalInteger,
  secretKey,
  trustProxy,
  url,
} from './parsers.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Documentation metadata, kept in zod's registry next to each setting's description. */
export interface SettingMeta {
  group: 'Server' | 'Storage' | 'Security' | 'Accounts' | 'Runs' | 'Logging';
  /** The default as a person would write it; omitted when unset means something (see the description). */
  default?: string;
  example?: string;
}

function setting<T extends z.ZodType>(schema: T, meta: SettingMeta & { doc: string }): T {
  const { doc, ...rest } = meta;
  return schema.meta({ ...rest }).describe(doc) as T;
}

export const envSchema = z.object({
  PORT: setting(integer({ default: 8080, min: 1, max: 65535 }), {
    group: 'Server',
    default: '8080',
    doc: 'TCP port the API and dashboard listen on.',
  }),
  HOST: setting(
    z
      .string()
      .optional()
      .transform((value) => value ?? '127.0.0.1'),
    {
      group: 'Server',
      default: '127.0.0.1',
      example: '0.0.0.0',
      doc: 'Interface to listen on; loopback by default so a fresh install is not exposed before its owner is set up (container images set 0.0.0.0).',
    },
  ),
  ASSAY_PUBLIC_URL: setting(url(['http://', 'https://']), {
    group: 'Server',
    default: 'http://localhost:$PORT',
    example: 'https://assay.example.com',
    doc: 'External URL of the server, used in links (setup link, webhooks) and to mark cookies Secure when it is https.',
  }),
  ASSAY_TRUST_PROXY: setting(trustProxy(), {
    group: 'Server',
    default: 'false',
    example: 'loopback,10.0.0.0/8',
    doc: "Which reverse proxies to trust for X-Forwarded-* (Express 'trust proxy'): false, true, a hop count, or addresses/CIDR ranges.",
  }),
  ASSAY_CORS_ORIGINS: setting(list(checkOrigin), {
    group: 'Server',
    default: '(none: same origin only)',
    example: 'https://dash.example.com,https://ci.example.com',
    doc: 'Comma-separated browser origins allowed to call the API cross-origin.',
  }),
  ASSAY_SHUTDOWN_GRACE: setting(duration({ default: '25s', minMs: 0, maxMs: 3_600_000 }), {
    group: 'Server',
    default: '25s',
    doc: 'On SIGTERM/SIGINT, how long to let requests and runs finish before the process exits anyway.',
  }),
  LOG_LEVEL: setting(oneOf(LOG_LEVELS, 'info'), {
    group: 'Logging',
    default: 'info',
    doc: `Minimum level written to the log (${LOG_LEVELS.join(', ')}); JSON lines, readable on a terminal.`,
  }),
  DATABASE_URL: setting(url(['postgres://', 'postgresql://']), {
    group: 'Storage',
    default: '(unset: embedded PGlite in ASSAY_DATA_DIR)',
    example: 'postgres://assay:secret@db:5432/assay',
    doc: 'PostgreSQL connection URL; when unset, an embedded PostgreSQL (PGlite) stores data under ASSAY_DATA_DIR.',
  }),
  ASSAY_DATABASE_POOL_SIZE: setting(integer({ default: 10, min: 1, max: 1000 }), {
    group: 'Storage',
    default: '10',
    doc: 'Maximum connections to the PostgreSQL server per process (ignored by PGlite, which has one).',
  }),
  REDIS_URI: setting(url(['redis://', 'rediss://']), {
    group: 'Storage',
    default: '(unset: embedded mode)',
    example: 'redis://localhost:6379',
    doc: 'Redis connection; setting it selects distributed mode (BullMQ workers, shared cache and sessions) and requires DATABASE_URL.',
  }),
  ASSAY_DATA_DIR: setting(
    z
      .string()
      .optional()
      .transform((value) => value ?? './data'),
    {
      group: 'Storage',
      default: './data',
      doc: 'Directory for the embedded database and the generated secret key (embedded mode).',
    },
  ),
  ASSAY_SECRET_KEY: setting(secretKey(), {
    group: 'Security',
    default: '(embedded: generated into ASSAY_DATA_DIR)',
    example: '$(openssl rand -base64 32)',
    doc: '32-byte key (base64 or hex) that encrypts environment secrets at rest (AES-256-GCM); required in distributed mode.',
  }),
  ASSAY_EGRESS_ALLOW: setting(list(checkEgressRange), {
    group: 'Security',
    default: '(none)',
    example: '10.20.0.0/16,192.168.1.5',
    doc: 'Comma-separated addresses/CIDR ranges the server-side runner and webhooks may call although private or loopback; metadata and link-local addresses only when named exactly.',
  }),
  ASSAY_RATE_LIMIT: setting(integer({ default: 600, min: 1, max: 1_000_000 }), {
    group: 'Security',
    default: '600',
    doc: 'Requests per minute one API key or signed-in person may make; beyond it the API answers 429 with Retry-After.',
  }),
  ASSAY_RATE_LIMIT_ANONYMOUS: setting(integer({ default: 120, min: 1, max: 1_000_000 }), {
    group: 'Security',
    default: '120',
    doc: 'Requests per minute one client address may make to the API without valid credentials (sign-in, setup, refused keys).',
  }),
  ASSAY_LOGIN_FAILURES_ACCOUNT: setting(integer({ default: 5, min: 1, max: 10_000 }), {
    group: 'Security',
    default: '5',
    doc: 'Failed sign-ins to one email per minute before sign-in is refused (429); twice as many per 15 minutes, four times per hour.',
  }),
  ASSAY_LOGIN_FAILURES_IP: setting(integer({ default: 20, min: 1, max: 100_000 }), {
    group: 'Security',
    default: '20',
    doc: 'Failed sign-ins from one client address per minute (any email) before sign-in is refused; twice as many per 15 minutes, four times per hour.',
  }),
  ASSAY_SESSION_IDLE_TTL: setting(duration({ default: '8h', minMs: 60_000, maxMs: 90 * 86_400_000 }), {
    group: 'Accounts',
    default: '8h',
    doc: 'A browser session ends after this long without a request.',
  }),
  ASSAY_SESSION_ABSOLUTE_TTL: setting(duration({ default: '7d', minMs: 60_000, maxMs: 365 * 86_400_000 }), {
    group: 'Accounts',
    default: '7d',
    doc: 'A browser session ends this long after sign-in, however active.',
  }),
  ASSAY_ADMIN_EMAIL: setting(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || /^[^\s@]+@[^\s@]+$/.test(value), {
        message: 'must be an email address',
      }),
    {
      group: 'Accounts',
      default: '(unset: a one-time setup link is printed)',
      example: 'admin@example.com',
      doc: 'Email of the owner account created on first start with an empty database (with ASSAY_ADMIN_PASSWORD).',
    },
  ),
  ASSAY_ADMIN_PASSWORD: setting(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || value.length >= 12, {
        message: 'must be at least 12 characters',
      }),
    {
      group: 'Accounts',
      default: '(unset)',
      doc: 'Password of that first owner account, at least 12 characters; read only when the database has no user.',
    },
  ),
  ASSAY_RUN_CONCURRENCY: setting(integer({ default: 4, min: 1, max: 256 }), {
    group: 'Runs',
    default: '4',
    doc: 'Runs executed at the same time by one process (the API process in embedded mode, each worker in distributed mode).',
  }),
  ASSAY_RUN_TIMEOUT: setting(duration({ default: '30m', minMs: 1000, maxMs: 86_400_000 }), {
    group: 'Runs',
    default: '30m',
    doc: 'Longest a server-side run may take; a run still going then ends errored (RUN_TIMEOUT).',
  }),
  ASSAY_RUN_MAX_ATTEMPTS: setting(integer({ default: 3, min: 1, max: 100 }), {
    group: 'Runs',
    default: '3',
    doc: 'Times a run is started at most (its process died or shut down mid-run); past it the run ends errored.',
  }),
  ASSAY_RUN_BODY_EXCERPT: setting(integer({ default: 4096, min: 0, max: 1_048_576 }), {
    group: 'Runs',
    default: '4096',
    doc: 'Bytes of each request and response body kept in a stored step result.',
  }),
  ASSAY_RECONCILE_INTERVAL: setting(duration({ default: '30s', minMs: 100, maxMs: 3_600_000 }), {
    group: 'Runs',
    default: '30s',
    doc: 'How often unfinished runs with no live job are found and enqueued again (also done at start).',
  }),
  ASSAY_SCHEDULER_INTERVAL: setting(duration({ default: '5s', minMs: 50, maxMs: 600_000 }), {
    group: 'Runs',
    default: '5s',
    doc: 'How often the scheduler looks for due schedules; a fire is at most this late.',
  }),
  ASSAY_EXECUTE_RUNS: setting(oneOf(['auto', 'true', 'false'], 'auto'), {
    group: 'Runs',
    default: 'auto',
    doc: 'Whether `assay serve` executes runs itself: auto = yes in embedded mode, no in distributed mode (only `assay worker` processes do); true or false to choose.',
  }),
  ASSAY_WORKER_CONCURRENCY: setting(optionalInteger({ min: 1, max: 256 }), {
    group: 'Runs',
    default: '(unset: ASSAY_RUN_CONCURRENCY)',
    example: '8',
    doc: 'Runs executed at the same time by one `assay worker` process.',
  }),
  ASSAY_RUN_CONCURRENCY_PER_ORGANISATION: setting(optionalInteger({ min: 1, max: 10_000 }), {
    group: 'Runs',
    default: '(unset: no cap)',
    example: '8',
    doc: 'Runs of one organisation executing at the same time, across every worker of the queue (distributed) or in the process (embedded); the others wait, so one tenant cannot take every worker.',
  }),
  ASSAY_WORKER_PORT: setting(optionalInteger({ min: 1, max: 65535 }), {
    group: 'Runs',
    default: '(unset: no HTTP endpoint)',
    example: '9090',
    doc: 'TCP port on HOST where an `assay worker` process answers /healthz and /readyz (database and Redis).',
  }),
  ASSAY_SUITE_MAX_BYTES: setting(integer({ default: 524_288, min: 1024, max: 67_108_864 }), {
    group: 'Runs',
    default: '524288',
    doc: 'Largest suite source, in bytes (UTF-8), that the API accepts when a suite is saved; request bodies may be twice this (at least 1 MiB).',
  }),
  ASSAY_SUITE_MAX_STEPS: setting(integer({ default: 1000, min: 1, max: 100_000 }), {
    group: 'Runs',
    default: '1000',
    doc: 'Most steps one suite may have when it is saved through the API.',
  }),
  ASSAY_RUNS_IN_FLIGHT: setting(integer({ default: 100, min: 1, max: 10_000 }), {
    group: 'Runs',
    default: '100',
    doc: 'Runs one organisation may have queued or running at once; triggering another is refused with 429 (runs_in_flight).',
  }),
  ASSAY_SSE_MAX_PER_USER: setting(integer({ default: 20, min: 1, max: 10_000 }), {
    group: 'Runs',
    default: '20',
    doc: 'Live event streams one person or API key may hold open at once, across API processes; more are refused with 429.',
  }),
});

export type EnvInput = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;

/** The names of every setting, in documentation order. */
export const SETTING_NAMES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export function settingDoc(name: keyof typeof envSchema.shape): SettingMeta & { description: string } {
  const meta = z.globalRegistry.get(envSchema.shape[name]) as
    | (SettingMeta & { description?: string })
    | undefined;
  if (!meta?.description) throw new Error(`setting ${name} has no documentation`);
  return { ...meta, description: meta.description };
}
