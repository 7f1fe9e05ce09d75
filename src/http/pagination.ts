/**
 * Cursor pagination on the wire: `?limit=&cursor=` in, `{ items, next_cursor }` out. Cursors are opaque
 * (the stores encode a keyset position); clients pass `next_cursor` back unchanged until it is null.
 */
import { z } from 'zod';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page, type PageRequest } from '../ports/pagination.ts';

export const pageQueryShape = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .optional()
    .describe(`Items per page, 1 to ${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT}).`),
  cursor: z.string().min(1).max(512).optional().describe('The `next_cursor` of the previous page.'),
};

/** The query schema of a list: `limit` and `cursor`, plus the list's own filters. */
export function pageQuery<T extends z.ZodRawShape>(filters?: T) {
  return z.strictObject({ ...pageQueryShape, ...(filters ?? ({} as T)) });
}

/** The response schema of a list of `item`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to get the next page; null on the last page.'),
  });
}

export function pageRequest(query: { limit?: number | undefined; cursor?: string | undefined }): PageRequest {
  return { limit: query.limit ?? DEFAULT_PAGE_LIMIT, cursor: query.cursor ?? null };
}

/** A store page mapped to its wire form. */
export function toPageResponse<T, U>(
  page: Page<T>,
  view: (item: T) => U,
): { items: U[]; next_cursor: string | null } {
  return { items: page.items.map(view), next_cursor: page.nextCursor };
}
