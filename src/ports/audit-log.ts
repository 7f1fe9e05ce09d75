import type { Page, PageRequest } from './pagination.ts';

/** Append-only (the database refuses updates and deletes): who did what, to what, from where. */
export interface AuditEntry {
  id: string;
  organisationId: string;
  actor: { type: 'user' | 'api_key' | 'system'; id: string | null };
  /** Dotted verb: `suite.created`, `api_key.revoked`, `member.role_changed` … */
  action: string;
  target: { type: string; id: string | null } | null;
  data: Record<string, unknown>;
  ip: string | null;
  createdAt: Date;
}

/** Every field narrows the list; all are optional. */
export interface AuditFilter {
  action?: string;
  /** Actions starting with this, e.g. `auth.` or `api_key.`. */
  actionPrefix?: string;
  actorType?: AuditEntry['actor']['type'];
  actorId?: string;
  targetType?: string;
  targetId?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id' | 'createdAt'> & { createdAt?: Date }): Promise<AuditEntry>;
  /** Newest first. */
  list(organisationId: string, filter: AuditFilter, page?: PageRequest): Promise<Page<AuditEntry>>;
}
