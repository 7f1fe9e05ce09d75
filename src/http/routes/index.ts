/**
 * Every API router, in the order the reference shows them. Adding a resource is one import and one
 * entry here; then `npm run openapi` regenerates docs/openapi.json.
 */
import type { RouteGroup } from '../route.ts';
import { accountRoutes } from './accounts.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { authRoutes } from './auth.ts';
import { cacheStatsRoutes } from './cache-stats.ts';
import { environmentRoutes } from './environments.ts';
import { ipAllowlistRoutes } from './ip-allowlist.ts';
import { memberRoutes } from './members.ts';
import { notificationChannelRoutes } from './notification-channels.ts';
import { organisationRoutes } from './organisations.ts';
import { projectRoutes } from './projects.ts';
import { runRoutes } from './runs.ts';
import { scheduleRoutes } from './schedules.ts';
import { suiteRoutes } from './suites.ts';

export const API_ROUTES: readonly RouteGroup[] = [
  accountRoutes,
  authRoutes,
  organisationRoutes,
  ipAllowlistRoutes,
  memberRoutes,
  apiKeyRoutes,
  projectRoutes,
  suiteRoutes,
  environmentRoutes,
  scheduleRoutes,
  runRoutes,
  notificationChannelRoutes,
  cacheStatsRoutes,
];
