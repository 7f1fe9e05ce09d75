/** Remembers values for a while: replay protection for signed requests (each nonce accepted once). */
export interface NonceStore {
  /** True if `key` was not present (and is now stored for `ttlMs`); false if it was already seen. */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}
