/**
 * One-time setup tokens: on a fresh install without ASSAY_ADMIN_*, the server prints a link carrying a
 * random token; whoever opens it first creates the owner account. Only the token's hash is stored.
 */
export interface SetupTokenStore {
  create(input: { tokenHash: string; expiresAt: Date }): Promise<void>;
  /**
   * Marks the token used, atomically: true for exactly one caller, and only while it is unused and
   * unexpired at `now`. Inside a transaction, a rollback un-uses it.
   */
  consume(tokenHash: string, now: Date): Promise<boolean>;
}
