/**
 * The process configuration: parsed once from the environment into a nested, frozen, typed object that
 * is passed down explicitly. Nothing else in the code base reads `process.env`.
 */

import type { TrustProxy } from './parsers.ts';
import { type EnvInput, envSchema, type LOG_LEVELS, type ParsedEnv, SETTING_NAMES } from './schema.ts';

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** embedded: PGlite + in-process queue/cache/bus; distributed: PostgreSQL + Redis. */
  readonly mode: 'embedded' | 'distributed';
  readonly server: {
    readonly port: number;
    readonly host: string;
    /** Without a trailing slash. */
    readonly publicUrl: string;
    readonly trustProxy: TrustProxy;
    readonly corsOrigins: readonly string[];
    readonly shutdownGraceMs: number;
  };
  readonly log: { readonly level: LogLevel };
  readonly database:
    | { readonly kind: 'pglite'; readonly dataDir: string }
    | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };
  readonly redis: { readonly uri: string } | null;
  readonly dataDir: string;
  readonly security: {
    /** 32 bytes; null in embedded mode until `resolveSecretKey` reads or creates the key file. */
    readonly secretKey: Buffer | null;
    readonly egressAllow: readonly string[];
    /** Requests per minute: per API key or signed-in person, and per client address without credentials. */
    readonly rateLimit: { readonly perPrincipal: number; readonly anonymous: number };
    /** Failed sign-ins per minute before backoff, per email and per client address. */
    readonly loginFailures: { readonly perAccount: number; readonly perIp: number };
  };
  readonly accounts: {
    readonly admin: { readonly email: string; readonly password: string } | null;
    readonly sessionIdleTtlMs: number;
    readonly sessionAbsoluteTtlMs: number;
  };
  readonly runs: {
    readonly concurrency: number;
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly bodyExcerptBytes: number;
    readonly reconcileIntervalMs: number;
    readonly schedulerIntervalMs: number;
    /** Queued or running runs one organisation may have at once. */
    readonly maxInFlightPerOrganisation: number;
    /** Event streams one person or API key may hold open at once. */
    readonly maxStreamsPerPrincipal: number;
    /** Whether `assay serve` consumes the runs queue (ASSAY_EXECUTE_RUNS, resolved against the mode). */
    readonly executeInServer: boolean;
    /** Runs of one organisation executing at once; null: no cap. */
    readonly perOrganisationConcurrency: number | null;
  };
  /** `assay worker` processes. */
  readonly worker: {
    readonly concurrency: number;
    /** Port of the /healthz and /readyz endpoint; null: none. */
    readonly port: number | null;
  };
  /** Caps on what a saved suite may hold, so one document cannot exhaust the server. */
  readonly suites: { readonly maxSourceBytes: number; readonly maxSteps: number };
}

export interface ConfigProblem {
  setting: string;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    const lines = problems.map((p) => `  - ${p.setting}: ${p.message}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid configuration (${count}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = readSettings(env);
  const problems: ConfigProblem[] = [];
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ setting: String(issue.path[0] ?? 'environment'), message: issue.message });
    }
  }
  problems.push(...crossChecks(input));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(build(parsed.data));
}

/** Only the variables the schema knows; blank values count as unset (compose files often pass `X=`). */
function readSettings(env: Record<string, string | undefined>): EnvInput {
  const input: Record<string, string> = {};
  for (const name of SETTING_NAMES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value;
  }
  return input as EnvInput;
}

/** Rules that span settings; checked on the raw input so they are reported alongside field problems. */
function crossChecks(input: EnvInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (input.REDIS_URI !== undefined && input.DATABASE_URL === undefined) {
    problems.push({
      setting: 'REDIS_URI',
      message:
        'distributed mode needs PostgreSQL: set DATABASE_URL too (the embedded PGlite database is single-process and cannot be shared by API and worker processes)',
    });
  }
  if (input.REDIS_URI !== undefined && input.ASSAY_SECRET_KEY === undefined) {
    problems.push({
      setting: 'ASSAY_SECRET_KEY',
      message: 'is required in distributed mode so that every process decrypts the same secrets',
    });
  }
  if ((input.ASSAY_ADMIN_EMAIL === undefined) !== (input.ASSAY_ADMIN_PASSWORD === undefined)) {
    problems.push({
      setting: input.ASSAY_ADMIN_EMAIL === undefined ? 'ASSAY_ADMIN_EMAIL' : 'ASSAY_ADMIN_PASSWORD',
      message: 'ASSAY_ADMIN_EMAIL and ASSAY_ADMIN_PASSWORD are set together or not at all',
    });
  }
  return problems;
}

function build(env: ParsedEnv): Config {
  const publicUrl = (env.ASSAY_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const idle = env.ASSAY_SESSION_IDLE_TTL;
  return {
    mode: env.REDIS_URI ? 'distributed' : 'embedded',
    server: {
      port: env.PORT,
      host: env.HOST,
      publicUrl,
      trustProxy: env.ASSAY_TRUST_PROXY,
      corsOrigins: env.ASSAY_CORS_ORIGINS,
      shutdownGraceMs: env.ASSAY_SHUTDOWN_GRACE,
    },
    log: { level: env.LOG_LEVEL },
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.ASSAY_DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: env.ASSAY_DATA_DIR },
    redis: env.REDIS_URI ? { uri: env.REDIS_URI } : null,
    dataDir: env.ASSAY_DATA_DIR,
    security: {
      secretKey: env.ASSAY_SECRET_KEY,
      egressAllow: env.ASSAY_EGRESS_ALLOW,
      rateLimit: { perPrincipal: env.ASSAY_RATE_LIMIT, anonymous: env.ASSAY_RATE_LIMIT_ANONYMOUS },
      loginFailures: { perAccount: env.ASSAY_LOGIN_FAILURES_ACCOUNT, perIp: env.ASSAY_LOGIN_FAILURES_IP },
    },
    accounts: {
      admin:
        env.ASSAY_ADMIN_EMAIL && env.ASSAY_ADMIN_PASSWORD
          ? { email: env.ASSAY_ADMIN_EMAIL, password: env.ASSAY_ADMIN_PASSWORD }
          : null,
      sessionIdleTtlMs: idle,
      // An absolute lifetime shorter than the idle one would make the idle setting meaningless.
      sessionAbsoluteTtlMs: Math.max(env.ASSAY_SESSION_ABSOLUTE_TTL, idle),
    },
    runs: {
      concurrency: env.ASSAY_RUN_CONCURRENCY,
      timeoutMs: env.ASSAY_RUN_TIMEOUT,
      maxAttempts: env.ASSAY_RUN_MAX_ATTEMPTS,
      bodyExcerptBytes: env.ASSAY_RUN_BODY_EXCERPT,
      reconcileIntervalMs: env.ASSAY_RECONCILE_INTERVAL,
      schedulerIntervalMs: env.ASSAY_SCHEDULER_INTERVAL,
      maxInFlightPerOrganisation: env.ASSAY_RUNS_IN_FLIGHT,
      maxStreamsPerPrincipal: env.ASSAY_SSE_MAX_PER_USER,
      // auto: the one process of embedded mode runs everything; distributed mode leaves runs to workers.
      executeInServer: env.ASSAY_EXECUTE_RUNS === 'auto' ? !env.REDIS_URI : env.ASSAY_EXECUTE_RUNS === 'true',
      perOrganisationConcurrency: env.ASSAY_RUN_CONCURRENCY_PER_ORGANISATION,
    },
    worker: {
      concurrency: env.ASSAY_WORKER_CONCURRENCY ?? env.ASSAY_RUN_CONCURRENCY,
      port: env.ASSAY_WORKER_PORT,
    },
    suites: { maxSourceBytes: env.ASSAY_SUITE_MAX_BYTES, maxSteps: env.ASSAY_SUITE_MAX_STEPS },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
