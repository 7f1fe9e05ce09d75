/**
 * The read cache's counters, for operators checking that the cache earns its keep. They are this
 * process's (each API or worker process counts its own) and installation-wide, not per organisation:
 * counts only, nothing about anyone's data.
 */
import { z } from 'zod';
import { CACHE_FAMILIES, type CacheFamily } from '../../services/read-cache.ts';
import { defineRoute, defineRoutes } from '../route.ts';

const counters = z.object({
  hits: z.number().int(),
  misses: z.number().int(),
  hit_ratio: z.number().nullable().describe('hits / (hits + misses); null before the first read.'),
});

const statsSchema = z.object({
  mode: z.enum(['embedded', 'distributed']).describe('In-process cache, or Redis shared by every process.'),
  families: z.object(
    Object.fromEntries(Object.keys(CACHE_FAMILIES).map((name) => [name, counters])) as Record<
      CacheFamily,
      typeof counters
    >,
  ),
  cache: z.object({
    hits: z.number().int(),
    misses: z.number().int(),
    errors: z.number().int().nullable().describe('Calls that could not reach Redis (distributed mode).'),
  }),
});

function ratio(hits: number, misses: number): number | null {
  return hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 1000) / 1000;
}

export const cacheStatsRoutes = defineRoutes('Administration', [
  defineRoute({
    method: 'get',
    path: '/admin/cache-stats',
    summary: 'Read cache counters of this process',
    description:
      'Hits and misses per cached family (sessions, API keys, memberships, organisations, suites, suite versions, finished runs and their steps) since the process started.',
    auth: 'any',
    role: 'admin',
    scope: 'admin',
    response: statsSchema,
    handler: async ({ container }) => {
      const stats = container.readCache.stats();
      const families = Object.fromEntries(
        Object.entries(stats.families).map(([name, { hits, misses }]) => [
          name,
          { hits, misses, hit_ratio: ratio(hits, misses) },
        ]),
      ) as z.input<typeof statsSchema>['families'];
      return {
        mode: container.config.mode,
        families,
        cache: { hits: stats.cache.hits, misses: stats.cache.misses, errors: stats.cache.errors ?? null },
      };
    },
  }),
]);
