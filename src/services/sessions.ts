/**
 * Browser sessions. The cookie holds 256 random bits; the store keeps only their SHA-256, so a copy of
 * the database opens no session. A session ends after `idleMs` without a request or `absoluteMs` after
 * sign-in, whichever comes first; the idle expiry slides at most once a minute to spare writes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../platform/clock.ts';
import type { Session, SessionStore } from '../ports/session-store.ts';

export interface SessionDeps {
  sessions: SessionStore;
  clock: Clock;
  ttl: { idleMs: number; absoluteMs: number };
}

const TOUCH_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Opens a session for a user who just proved who they are. A session the browser already had is
 * deleted, so an id planted before sign-in (session fixation) never becomes authenticated.
 */
export async function startSession(
  deps: SessionDeps,
  input: { userId: string; ip: string | null; userAgent: string | null; previousToken?: string | undefined },
): Promise<{ token: string; session: Session }> {
  if (input.previousToken) await deps.sessions.delete(hashToken(input.previousToken));
  const token = randomToken();
  const now = deps.clock.now();
  const absoluteExpiresAt = new Date(now.getTime() + deps.ttl.absoluteMs);
  const session = await deps.sessions.create({
    idHash: hashToken(token),
    userId: input.userId,
    csrfToken: randomToken(),
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: idleExpiry(now, absoluteExpiresAt, deps.ttl.idleMs),
    absoluteExpiresAt,
  });
  return { token, session };
}

/** The live session for a cookie value, its idle expiry slid forward; null when unknown or expired. */
export async function resolveSession(deps: SessionDeps, token: string): Promise<Session | null> {
  const now = deps.clock.now();
  const session = await deps.sessions.get(hashToken(token), now);
  if (!session) return null;
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const idleExpiresAt = idleExpiry(now, session.absoluteExpiresAt, deps.ttl.idleMs);
    await deps.sessions.touch(session.idHash, { lastSeenAt: now, idleExpiresAt });
    return { ...session, lastSeenAt: now, idleExpiresAt };
  }
  return session;
}

export async function endSession(deps: Pick<SessionDeps, 'sessions'>, idHash: string): Promise<void> {
  await deps.sessions.delete(idHash);
}

function idleExpiry(now: Date, absolute: Date, idleMs: number): Date {
  return new Date(Math.min(now.getTime() + idleMs, absolute.getTime()));
}
