/** `assay migrate`: apply pending database migrations and exit (for deployments that migrate first). */
import { ConfigError, loadConfig } from '../../config/config.ts';
import { migrateDatabase } from '../../container.ts';
import { createLogger } from '../../platform/logger.ts';
import { type Command, type CommandInput, EXIT, UsageError } from '../command.ts';

const help = `Usage: assay migrate

Applies pending migrations to the configured database (DATABASE_URL, or the embedded one under
ASSAY_DATA_DIR) and exits. Migrations are forward-only; 'assay serve' also applies them at start.
`;

export const command: Command = { help, options: {}, run };

async function run({ positionals }: CommandInput): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const logger = createLogger({ level: config.log.level, base: { role: 'migrate' } });
  const applied = await migrateDatabase({ config, logger });
  process.stdout.write(
    applied.length === 0 ? 'Database is up to date.\n' : `Applied migrations: ${applied.join(', ')}.\n`,
  );
  return EXIT.ok;
}
