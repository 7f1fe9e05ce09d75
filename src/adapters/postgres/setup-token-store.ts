import type { SetupTokenStore } from '../../ports/setup-token-store.ts';
import type { StoreDeps } from './sql-helpers.ts';

export function createSetupTokenStore({ db, clock }: StoreDeps): SetupTokenStore {
  return {
    async create(input) {
      await db
        .insertInto('setup_tokens')
        .values({ token_hash: input.tokenHash, created_at: clock.now(), expires_at: input.expiresAt })
        .execute();
    },

    async consume(tokenHash, now) {
      // One UPDATE with the conditions in its WHERE: two concurrent callers cannot both see it unused.
      const row = await db
        .updateTable('setup_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('token_hash')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
