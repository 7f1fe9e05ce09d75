import type { Stores, TransactionRunner } from '../../src/ports/stores.ts';

/** What a store contract needs from an adapter: the stores, and transactions over them. */
export interface StoreHarness {
  stores: Stores;
  transaction: TransactionRunner;
}

export type StoreFactory = () => Promise<StoreHarness>;
