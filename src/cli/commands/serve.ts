/** `assay serve` (what `npm start` runs): the API server with its background work, until SIGTERM/SIGINT. */
import { type Command, type CommandInput, UsageError } from '../command.ts';
import { listenError, startLongRunning } from '../long-running.ts';
import { startServer } from '../server.ts';

const help = `Usage: assay serve

Starts the Assay server: the REST API under /api/v1, the reference at /api/docs, /healthz and /readyz.
Configuration comes from the environment (see docs/configuration.md): PORT (8080), HOST, DATABASE_URL
(unset: embedded PostgreSQL under ASSAY_DATA_DIR), ASSAY_ADMIN_EMAIL/ASSAY_ADMIN_PASSWORD for the first
owner (unset: a one-time setup link is logged) … Pending migrations are applied at start.
SIGTERM or SIGINT stops gracefully within ASSAY_SHUTDOWN_GRACE; a second signal stops at once.
`;

export const command: Command = { help, options: {}, run };

async function run({ positionals }: CommandInput): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const started = performance.now();
  const { config, logger, shutdown, stopped } = startLongRunning('server');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ config, logger, shutdown });
  } catch (error) {
    throw listenError(error, `${config.server.host}:${config.server.port}`, 'set PORT or HOST');
  }
  logger.info(
    {
      url: server.url,
      publicUrl: config.server.publicUrl,
      mode: config.mode,
      startMs: Math.round(performance.now() - started),
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
    },
    `Assay listening on ${server.url} (reference at ${server.url}/api/docs)`,
  );
  return stopped;
}
