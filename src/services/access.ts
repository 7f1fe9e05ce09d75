/**
 * Who is making a request and what they may do. Users act with the role of their membership in the
 * organisation; API keys act with their scopes. Every use case receives the organisation id from here,
 * so a resource of another organisation is simply never found (404), not forbidden.
 */
import type { Role } from '../ports/organisation-store.ts';

export const SCOPES = ['runs:read', 'runs:write', 'suites:read', 'suites:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** viewer < member < admin < owner. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** `admin` grants every scope; `x:write` grants `x:read` (a key that may trigger runs may read them). */
export function scopeGrants(scopes: readonly Scope[], needed: Scope): boolean {
  if (scopes.includes('admin') || scopes.includes(needed)) return true;
  return needed.endsWith(':read') && scopes.includes(needed.replace(/:read$/, ':write') as Scope);
}

export interface UserPrincipal {
  kind: 'user';
  organisationId: string;
  userId: string;
  role: Role;
  /** The browser session the request came with (hashed id, CSRF token). */
  session: { idHash: string; csrfToken: string };
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  organisationId: string;
  apiKeyId: string;
  /** The person who created the key, if still known. */
  userId: string | null;
  scopes: Scope[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
}

/** Who to name in the audit log. */
export function actorOf(principal: Principal): Actor {
  return principal.kind === 'user'
    ? { type: 'user', id: principal.userId }
    : { type: 'api_key', id: principal.apiKeyId };
}

/** Where an audited action happened: the organisation, who, and from which address. */
export interface AuditContext {
  organisationId: string;
  actor: Actor;
  ip: string | null;
}
