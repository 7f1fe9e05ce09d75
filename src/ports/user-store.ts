/** People. Users span organisations (access goes through memberships), so methods take no tenant id. */
export interface User {
  id: string;
  /** As entered; lookups are case-insensitive. */
  email: string;
  name: string;
  /** argon2id hash; null until the person sets a password (invited, setup link). */
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
  disabledAt: Date | null;
}

export interface UserStore {
  /** Throws ConflictError(`email_taken`) when the email exists in any letter case. */
  create(input: { email: string; name?: string; passwordHash?: string | null }): Promise<User>;
  get(userId: string): Promise<User | null>;
  getByEmail(email: string): Promise<User | null>;
  update(
    userId: string,
    patch: { name?: string; passwordHash?: string | null; disabledAt?: Date | null },
  ): Promise<User | null>;
  recordLogin(userId: string, at: Date): Promise<void>;
  /** Zero means a fresh install: the first-start owner account is due. */
  count(): Promise<number>;
}
