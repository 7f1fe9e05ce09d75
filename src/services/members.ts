/**
 * Members of an organisation. Admins and owners manage them; only an owner makes, demotes or removes an
 * owner; the last owner can be neither demoted nor removed, so an organisation is never left without
 * one. Adding someone new creates their account with a temporary password, returned once, which they
 * change after signing in (POST /api/v1/auth/password); someone who already has an account (in another
 * organisation) is simply added. Every change is audited.
 */
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/errors.ts';
import type { MemberView, OrganisationStore, Role } from '../ports/organisation-store.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { TransactionRunner } from '../ports/stores.ts';
import type { AuditContext } from './access.ts';
import { hashPassword, temporaryPassword } from './passwords.ts';

/** The acting principal's role; API keys with the admin scope act as admins (never as owners). */
export interface MemberContext extends AuditContext {
  actorRole: Role;
}

export function listMembers(
  deps: { organisations: OrganisationStore },
  organisationId: string,
  page: PageRequest,
): Promise<Page<MemberView>> {
  return deps.organisations.listMembers(organisationId, page);
}

function requireOwnerFor(context: MemberContext, what: string): void {
  if (context.actorRole !== 'owner') throw new ForbiddenError(`only an owner can ${what}`);
}

export async function addMember(
  deps: { transaction: TransactionRunner },
  context: MemberContext,
  input: { email: string; name: string; role: Role },
): Promise<{ member: MemberView; temporaryPassword: string | null }> {
  if (input.role === 'owner') requireOwnerFor(context, 'make an owner');
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return deps.transaction(async (stores) => {
    let user = await stores.users.getByEmail(input.email);
    let created = false;
    if (user) {
      if (await stores.organisations.getMembership(context.organisationId, user.id)) {
        throw new ConflictError('this person is already a member', 'already_member');
      }
    } else {
      user = await stores.users.create({ email: input.email, name: input.name, passwordHash });
      created = true;
    }
    const membership = await stores.organisations.setMember({
      organisationId: context.organisationId,
      userId: user.id,
      role: input.role,
    });
    await stores.audit.append({
      organisationId: context.organisationId,
      actor: context.actor,
      action: 'member.added',
      target: { type: 'user', id: user.id },
      data: { email: user.email, role: input.role, account_created: created },
      ip: context.ip,
    });
    return {
      member: { ...membership, email: user.email, name: user.name },
      temporaryPassword: created ? password : null,
    };
  });
}

export async function changeMemberRole(
  deps: { transaction: TransactionRunner },
  context: MemberContext,
  input: { userId: string; role: Role },
): Promise<MemberView> {
  return deps.transaction(async (stores) => {
    const current = await stores.organisations.getMembership(context.organisationId, input.userId);
    const user = current ? await stores.users.get(input.userId) : null;
    if (!current || !user) throw new NotFoundError('member');
    if (current.role === input.role) return { ...current, email: user.email, name: user.name };
    if (input.role === 'owner') requireOwnerFor(context, 'make an owner');
    if (current.role === 'owner') {
      requireOwnerFor(context, "change an owner's role");
      await ensureAnotherOwner(stores.organisations, context.organisationId);
    }
    const membership = await stores.organisations.setMember({
      organisationId: context.organisationId,
      userId: input.userId,
      role: input.role,
    });
    await stores.audit.append({
      organisationId: context.organisationId,
      actor: context.actor,
      action: 'member.role_changed',
      target: { type: 'user', id: input.userId },
      data: { from: current.role, to: input.role },
      ip: context.ip,
    });
    return { ...membership, email: user.email, name: user.name };
  });
}

export async function removeMember(
  deps: { transaction: TransactionRunner },
  context: MemberContext,
  userId: string,
): Promise<void> {
  await deps.transaction(async (stores) => {
    const current = await stores.organisations.getMembership(context.organisationId, userId);
    if (!current) throw new NotFoundError('member');
    if (current.role === 'owner') {
      requireOwnerFor(context, 'remove an owner');
      await ensureAnotherOwner(stores.organisations, context.organisationId);
    }
    await stores.organisations.removeMember(context.organisationId, userId);
    await stores.audit.append({
      organisationId: context.organisationId,
      actor: context.actor,
      action: 'member.removed',
      target: { type: 'user', id: userId },
      data: { role: current.role },
      ip: context.ip,
    });
  });
}

async function ensureAnotherOwner(organisations: OrganisationStore, organisationId: string): Promise<void> {
  if ((await organisations.countOwners(organisationId)) <= 1) {
    throw new ConflictError(
      'an organisation keeps at least one owner: make someone else owner first',
      'last_owner',
    );
  }
}
