/**
 * Cursor pagination, shared by every list. Cursors are opaque strings: callers pass back `nextCursor`
 * unchanged. Lists are newest first unless a port says otherwise.
 */
export interface PageRequest {
  /** 1 to 200; default 50. */
  limit?: number;
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
