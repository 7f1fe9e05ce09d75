/**
 * Who is asking, as the use cases see it: the organisation every read and write is confined to, and
 * the actor and address the audit log records. It is the HTTP layer's `AuditContext` (the same shape
 * under the name use cases read better with); the CLI or the scheduler build one for themselves.
 */
import type { AuditLog } from '../ports/audit-log.ts';
import type { AuditContext } from './access.ts';

export type Caller = AuditContext;

/** The user id to record as `createdBy`, when a person (not an API key) acted. */
export function callerUserId(caller: Caller): string | null {
  return caller.actor.type === 'user' ? caller.actor.id : null;
}

/** Appends one audit entry for `caller`; use inside the transaction that made the change. */
export async function recordAudit(
  audit: AuditLog,
  caller: Caller,
  entry: { action: string; target: { type: string; id: string | null }; data?: Record<string, unknown> },
): Promise<void> {
  await audit.append({
    organisationId: caller.organisationId,
    actor: caller.actor,
    action: entry.action,
    target: entry.target,
    data: entry.data ?? {},
    ip: caller.ip,
  });
}
