/**
 * Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): tens of
 * milliseconds per sign-in on a server, memory-hard against GPU guessing. Hashes carry their
 * parameters, so raising them later only affects new hashes.
 */
import argon2 from 'argon2';
import { randomToken } from './sessions.ts';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
/** argon2 accepts anything, but hashing megabytes on request would be a cheap denial of service. */
export const PASSWORD_MAX_LENGTH = 512;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash verifies nothing.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * The same work as a real verification, for an account that does not exist: sign-in then takes as long
 * either way, so timing does not tell which email addresses have accounts.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomToken());
  await verifyPassword(await dummyHash, password);
  return false;
}

/** A password for an invited person to sign in with once and change: 16 characters, ~96 bits. */
export function temporaryPassword(): string {
  return randomToken(12);
}
