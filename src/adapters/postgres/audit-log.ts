import type { Selectable } from 'kysely';
import { isId, newId } from '../../platform/ids.ts';
import type { AuditEntry, AuditLog } from '../../ports/audit-log.ts';
import { json, keyset, olderThan, type StoreDeps, toPage } from './sql-helpers.ts';
import type { AuditLogTable } from './tables.ts';

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    actor: { type: row.actor_type as AuditEntry['actor']['type'], id: row.actor_id },
    action: row.action,
    target: row.target_type ? { type: row.target_type, id: row.target_id } : null,
    data: row.data,
    ip: row.ip,
    createdAt: row.created_at,
  };
}

export function createAuditLog({ db, clock }: StoreDeps): AuditLog {
  return {
    async append(entry) {
      const at = entry.createdAt ?? clock.now();
      const row = await db
        .insertInto('audit_log')
        .values({
          id: newId(at.getTime()),
          organisation_id: entry.organisationId,
          actor_type: entry.actor.type,
          actor_id: entry.actor.id,
          action: entry.action,
          target_type: entry.target?.type ?? null,
          target_id: entry.target?.id ?? null,
          data: json(entry.data),
          ip: entry.ip,
          created_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEntry(row);
    },

    async list(organisationId, filter, page) {
      const { limit, after } = keyset(page);
      let query = db.selectFrom('audit_log').selectAll().where('organisation_id', '=', organisationId);
      if (filter.action) query = query.where('action', '=', filter.action);
      if (filter.actionPrefix) {
        // LIKE metacharacters in the prefix are literal.
        const escaped = filter.actionPrefix.replace(/[\\%_]/g, (c) => `\\${c}`);
        query = query.where('action', 'like', `${escaped}%`);
      }
      if (filter.actorType) query = query.where('actor_type', '=', filter.actorType);
      if (filter.actorId) {
        if (!isId(filter.actorId)) return { items: [], nextCursor: null };
        query = query.where('actor_id', '=', filter.actorId);
      }
      if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
      if (filter.targetId) {
        if (!isId(filter.targetId)) return { items: [], nextCursor: null };
        query = query.where('target_id', '=', filter.targetId);
      }
      if (filter.from) query = query.where('created_at', '>=', filter.from);
      if (filter.to) query = query.where('created_at', '<', filter.to);
      const rows = await query
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toEntry);
    },
  };
}
