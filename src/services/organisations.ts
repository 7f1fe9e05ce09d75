/** The caller's organisation: read by every member, renamed and configured by admins (audited). */
import { NotFoundError } from '../platform/errors.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Organisation, OrganisationStore } from '../ports/organisation-store.ts';
import type { AuditContext } from './access.ts';

export async function getOrganisation(
  deps: { organisations: OrganisationStore },
  organisationId: string,
): Promise<Organisation> {
  const organisation = await deps.organisations.get(organisationId);
  if (!organisation) throw new NotFoundError('organisation');
  return organisation;
}

export async function updateOrganisation(
  deps: { organisations: OrganisationStore; audit: AuditLog },
  context: AuditContext,
  patch: { name?: string | undefined; settings?: Record<string, unknown> | undefined },
): Promise<Organisation> {
  const update: { name?: string; settings?: Record<string, unknown> } = {};
  if (patch.name !== undefined) update.name = patch.name;
  if (patch.settings !== undefined) {
    // Settings merge key by key, so a client changing one setting cannot drop the others; null removes.
    const current = await getOrganisation(deps, context.organisationId);
    const merged: Record<string, unknown> = { ...current.settings };
    for (const [key, value] of Object.entries(patch.settings)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    update.settings = merged;
  }
  const organisation = await deps.organisations.update(context.organisationId, update);
  if (!organisation) throw new NotFoundError('organisation');
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: 'organisation.updated',
    target: { type: 'organisation', id: context.organisationId },
    data: { fields: Object.keys(update), settings: Object.keys(patch.settings ?? {}) },
    ip: context.ip,
  });
  return organisation;
}
