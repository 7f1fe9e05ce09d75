/**
 * Signing in and out. A failed sign-in answers the same whether the email is unknown, the password
 * wrong or the account disabled, after the same argon2 work. Successes and failures of known accounts
 * are audited in each organisation the person belongs to (an unknown email has no organisation to
 * record it in; it is logged).
 */
import type { Clock } from '../platform/clock.ts';
import { UnauthorizedError, ValidationError } from '../platform/errors.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Organisation, OrganisationStore, Role } from '../ports/organisation-store.ts';
import type { Session } from '../ports/session-store.ts';
import type { User, UserStore } from '../ports/user-store.ts';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords.ts';
import { type SessionDeps, startSession } from './sessions.ts';

export interface LoginDeps {
  users: UserStore;
  organisations: OrganisationStore;
  audit: AuditLog;
  session: SessionDeps;
  clock: Clock;
}

export interface LoginResult {
  token: string;
  session: Session;
  user: User;
  organisations: (Organisation & { role: Role })[];
}

const FAILED = 'the email or password is incorrect';

export async function login(
  deps: LoginDeps,
  input: {
    email: string;
    password: string;
    ip: string | null;
    userAgent: string | null;
    previousToken?: string | undefined;
  },
): Promise<LoginResult> {
  const user = await deps.users.getByEmail(input.email);
  const verified =
    user?.passwordHash && user.disabledAt === null
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstNothing(input.password);
  const organisations = user ? await deps.organisations.listForUser(user.id) : [];
  if (!user || !verified) {
    await auditEach(deps.audit, organisations, user?.id ?? null, 'auth.login_failed', input.ip, {
      email: input.email,
    });
    throw new UnauthorizedError(FAILED);
  }
  const { token, session } = await startSession(deps.session, {
    userId: user.id,
    ip: input.ip,
    userAgent: input.userAgent,
    previousToken: input.previousToken,
  });
  await deps.users.recordLogin(user.id, deps.clock.now());
  await auditEach(deps.audit, organisations, user.id, 'auth.login', input.ip, {});
  return { token, session, user, organisations };
}

export async function changePassword(
  deps: { users: UserStore; session: SessionDeps; audit: AuditLog; organisations: OrganisationStore },
  input: {
    userId: string;
    currentPassword: string;
    newPassword: string;
    keepSessionIdHash: string;
    ip: string | null;
  },
): Promise<void> {
  const user = await deps.users.get(input.userId);
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new ValidationError([
      { path: 'body.current_password', message: 'is not your current password', code: 'incorrect_password' },
    ]);
  }
  await deps.users.update(user.id, { passwordHash: await hashPassword(input.newPassword) });
  // Whoever else holds a session of this account (a stolen cookie) is signed out.
  await deps.session.sessions.deleteForUser(user.id, { exceptIdHash: input.keepSessionIdHash });
  await auditEach(
    deps.audit,
    await deps.organisations.listForUser(user.id),
    user.id,
    'user.password_changed',
    input.ip,
    {},
  );
}

async function auditEach(
  audit: AuditLog,
  organisations: readonly Organisation[],
  userId: string | null,
  action: string,
  ip: string | null,
  data: Record<string, unknown>,
): Promise<void> {
  for (const organisation of organisations) {
    await audit.append({
      organisationId: organisation.id,
      actor: { type: 'user', id: userId },
      action,
      target: userId ? { type: 'user', id: userId } : null,
      data,
      ip,
    });
  }
}
