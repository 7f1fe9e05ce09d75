/**
 * The key that encrypts secrets at rest. Distributed mode requires it in the environment (every process
 * must hold the same key); embedded mode falls back to a key file in the data directory, created once.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import { decodeKey } from './parsers.ts';

export const SECRET_KEY_FILE = 'secret.key';

export async function resolveSecretKey(options: {
  config: Config;
  /** Told when a key is generated, so the operator knows to back it up. */
  warn: (message: string) => void;
}): Promise<Buffer> {
  const { config, warn } = options;
  if (config.security.secretKey) return config.security.secretKey;
  if (config.mode === 'distributed') {
    throw new ConfigError([{ setting: 'ASSAY_SECRET_KEY', message: 'is required in distributed mode' }]);
  }
  const path = join(config.dataDir, SECRET_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // `wx`: if another start raced us, keep the key it wrote rather than overwriting it.
    await writeFile(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await readKeyFile(path);
    if (raced) return raced;
    throw error;
  }
  warn(
    `ASSAY_SECRET_KEY is not set: generated a key into ${path}. Back it up with the data directory; secrets cannot be decrypted without it.`,
  );
  return key;
}

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = decodeKey(text.trim());
  if (!key) {
    throw new ConfigError([
      { setting: 'ASSAY_SECRET_KEY', message: `the key file ${path} is not 32 bytes of base64 or hex` },
    ]);
  }
  return key;
}
