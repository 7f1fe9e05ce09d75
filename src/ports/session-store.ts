/**
 * Browser sessions. Only a hash of the session id is stored, so a database leak yields no usable
 * cookie. Sessions belong to a user, not an organisation.
 */
export interface Session {
  idHash: string;
  userId: string;
  csrfToken: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  /** Never later than `absoluteExpiresAt`. */
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

export interface SessionStore {
  create(session: Omit<Session, 'lastSeenAt'> & { lastSeenAt?: Date }): Promise<Session>;
  /** Null when unknown or expired at `now`. */
  get(idHash: string, now: Date): Promise<Session | null>;
  /** Slides the idle expiry. */
  touch(idHash: string, update: { lastSeenAt: Date; idleExpiresAt: Date }): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Logout everywhere, password change: every session of the user except, optionally, one. */
  deleteForUser(userId: string, options?: { exceptIdHash?: string }): Promise<number>;
  deleteExpired(now: Date): Promise<number>;
}
