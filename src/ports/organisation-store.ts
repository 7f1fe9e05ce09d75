import type { Page, PageRequest } from './pagination.ts';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];

export interface Organisation {
  id: string;
  name: string;
  slug: string;
  /** Free-form organisation settings (defaults for runs, notification preferences …). */
  settings: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface Membership {
  organisationId: string;
  userId: string;
  role: Role;
  createdAt: Date;
}

export interface MemberView extends Membership {
  email: string;
  name: string;
}

export interface OrganisationStore {
  /** Throws ConflictError(`slug_taken`) when the slug is in use. */
  create(input: { name: string; slug: string; settings?: Record<string, unknown> }): Promise<Organisation>;
  get(organisationId: string): Promise<Organisation | null>;
  update(
    organisationId: string,
    patch: { name?: string; settings?: Record<string, unknown> },
  ): Promise<Organisation | null>;

  /** Adds or changes a member's role. */
  setMember(input: { organisationId: string; userId: string; role: Role }): Promise<Membership>;
  removeMember(organisationId: string, userId: string): Promise<boolean>;
  getMembership(organisationId: string, userId: string): Promise<Membership | null>;
  listMembers(organisationId: string, page?: PageRequest): Promise<Page<MemberView>>;
  countOwners(organisationId: string): Promise<number>;
  /** The organisations a user belongs to, with the role in each, oldest first. */
  listForUser(userId: string): Promise<(Organisation & { role: Role })[]>;
}
