/**
 * Reading the audit log (admins): filters by action (exact, or a family such as `auth.*`), actor,
 * target and time range, newest first, paginated. There is nothing to write here: entries are
 * appended by the use cases that act, and the table refuses UPDATE and DELETE.
 *
 * The actions recorded, by family: `auth.login`, `auth.login_failed`, `user.password_changed`,
 * `setup.completed`; `member.*`; `api_key.created|revoked|rotated|updated`; `project.*`, `suite.*`,
 * `environment.*`, `schedule.*`; `run.triggered`; `organisation.updated`,
 * `organisation.ip_allowlist_changed`; `access.denied` (data.reason: `ip_allowlist`, `signature`,
 * `scope`, `session_only`).
 */
import { ValidationError } from '../platform/errors.ts';
import type { AuditEntry, AuditFilter, AuditLog } from '../ports/audit-log.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';

export interface AuditQuery {
  /** `auth.login` (exact) or `auth.*` (every action starting with `auth.`). */
  action?: string | undefined;
  actorType?: AuditEntry['actor']['type'] | undefined;
  actorId?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export function toAuditFilter(query: AuditQuery): AuditFilter {
  const filter: AuditFilter = {};
  if (query.action !== undefined) {
    if (query.action.endsWith('*')) filter.actionPrefix = query.action.slice(0, -1);
    else filter.action = query.action;
  }
  if (query.actorType !== undefined) filter.actorType = query.actorType;
  if (query.actorId !== undefined) filter.actorId = query.actorId;
  if (query.targetType !== undefined) filter.targetType = query.targetType;
  if (query.targetId !== undefined) filter.targetId = query.targetId;
  if (query.from !== undefined) filter.from = query.from;
  if (query.to !== undefined) filter.to = query.to;
  return filter;
}

export async function queryAuditLog(
  deps: { audit: AuditLog },
  organisationId: string,
  query: AuditQuery,
  page: PageRequest,
): Promise<Page<AuditEntry>> {
  if (query.from && query.to && query.from.getTime() >= query.to.getTime()) {
    throw new ValidationError([{ path: 'query.to', message: 'must be after from', code: 'invalid_range' }]);
  }
  return deps.audit.list(organisationId, toAuditFilter(query), page);
}
