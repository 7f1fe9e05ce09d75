/**
 * Every API router, in the order the reference shows them. Adding a resource is one import and one
 * entry here; then `npm run openapi` regenerates docs/openapi.json.
 */
import type { RouteGroup } from '../route.ts';

export const API_ROUTES: readonly RouteGroup[] = [];
