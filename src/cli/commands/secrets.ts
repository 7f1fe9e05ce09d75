/** `assay secrets rotate-key`: re-encrypt every environment secret under the current ASSAY_SECRET_KEY. */
import { ConfigError, loadConfig } from '../../config/config.ts';
import { decodeKey } from '../../config/parsers.ts';
import { createContainer } from '../../container.ts';
import { createLogger } from '../../platform/logger.ts';
import { rotateEnvironmentSecrets } from '../../services/secret-rotation.ts';
import { createSecretCipher } from '../../services/secrets-crypto.ts';
import { type Command, type CommandInput, EXIT, UsageError } from '../command.ts';

const help = `Usage: assay secrets rotate-key [--previous-key <key>]...

Re-encrypts every environment secret with the current key (ASSAY_SECRET_KEY, or the key file under
ASSAY_DATA_DIR in embedded mode). Values are decrypted with whichever key encrypted them: the current
one or a previous key given with --previous-key (repeatable) or ASSAY_PREVIOUS_SECRET_KEYS
(comma-separated); keys are 32 bytes as base64 or hex. Values already under the current key are
skipped, so it is safe to run again. A value no key can decrypt is reported and left unchanged, and
the command exits 1.
`;

export const command: Command = {
  help,
  options: { 'previous-key': { type: 'string', multiple: true } },
  run,
};

async function run({ positionals, values }: CommandInput): Promise<number> {
  const [action, ...rest] = positionals;
  if (action !== 'rotate-key') {
    throw new UsageError(
      action ? `unknown action '${action}' (expected rotate-key)` : 'missing action: rotate-key',
    );
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const previousKeys = parsePreviousKeys(values['previous-key'], process.env.ASSAY_PREVIOUS_SECRET_KEYS);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const logger = createLogger({ level: config.log.level, base: { role: 'secrets' } });
  const container = await createContainer({ config, logger });
  try {
    const cipher = createSecretCipher({ key: container.secretKey, previousKeys });
    const report = await rotateEnvironmentSecrets({
      stores: container.stores,
      transaction: container.transaction,
      cipher,
    });
    process.stdout.write(
      `Key ${cipher.keyId}: ${report.rotated} secret(s) re-encrypted, ${report.alreadyCurrent} already current, ` +
        `${report.failed.length} undecryptable, in ${report.environments} environment(s).\n`,
    );
    for (const failure of report.failed) {
      process.stderr.write(
        `cannot decrypt secret ${failure.name} in environment ${failure.environmentId} ` +
          `(organisation ${failure.organisationId}): ${failure.reason}\n`,
      );
    }
    return report.failed.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await container.close();
  }
}

export function parsePreviousKeys(flags: unknown, env: string | undefined): Buffer[] {
  const texts = [
    ...(Array.isArray(flags) ? flags : typeof flags === 'string' ? [flags] : []).map(String),
    ...(env ?? '').split(','),
  ]
    .map((text) => text.trim())
    .filter((text) => text !== '');
  return texts.map((text, index) => {
    const key = decodeKey(text);
    if (!key) throw new UsageError(`previous key #${index + 1} is not 32 bytes of base64 or hex`);
    return key;
  });
}
