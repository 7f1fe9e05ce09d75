/** `assay worker`: executes runs from the Redis queues (distributed mode) until SIGTERM/SIGINT. */
import { type Command, type CommandInput, UsageError } from '../command.ts';
import { listenError, startLongRunning } from '../long-running.ts';
import { startWorker } from '../worker-process.ts';

const help = `Usage: assay worker

Starts a worker process of distributed mode: it consumes the runs queue on Redis and executes runs,
ASSAY_WORKER_CONCURRENCY at a time (default ASSAY_RUN_CONCURRENCY), at most
ASSAY_RUN_CONCURRENCY_PER_ORGANISATION per organisation across all workers, and delivers webhooks. It
also re-enqueues runs that Redis lost (every ASSAY_RECONCILE_INTERVAL). Start as many as you need, on
any machine that reaches Redis and PostgreSQL.

Requires REDIS_URI, DATABASE_URL and ASSAY_SECRET_KEY (the same values as the API processes; see
docs/distributed.md). With ASSAY_WORKER_PORT set, /healthz and /readyz answer on that port.
SIGTERM or SIGINT stops taking runs and lets active ones finish within ASSAY_SHUTDOWN_GRACE; runs still
going near its end go back to the queue for another worker. A second signal stops at once.
`;

export const command: Command = { help, options: {}, run };

async function run({ positionals }: CommandInput): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const started = performance.now();
  const { config, logger, shutdown, stopped } = startLongRunning('worker', (config) => {
    if (config.mode !== 'distributed') {
      throw new UsageError(
        'assay worker needs REDIS_URI (distributed mode): in embedded mode `assay serve` executes runs itself',
      );
    }
  });
  let worker: Awaited<ReturnType<typeof startWorker>>;
  try {
    worker = await startWorker({ config, logger, shutdown });
  } catch (error) {
    throw listenError(error, `${config.server.host}:${config.worker.port}`, 'set ASSAY_WORKER_PORT or HOST');
  }
  logger.info(
    {
      concurrency: config.worker.concurrency,
      perOrganisation: config.runs.perOrganisationConcurrency,
      health: worker.healthUrl,
      startMs: Math.round(performance.now() - started),
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
    },
    'Assay worker consuming the runs and webhooks queues',
  );
  return stopped;
}
