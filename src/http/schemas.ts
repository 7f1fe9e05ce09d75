/** Schema pieces shared by routers: ids, timestamps, emails, passwords, roles. */
import { z } from 'zod';
import { ROLES, type Role } from '../ports/organisation-store.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../services/passwords.ts';

export const id = z.uuid();
export const timestamp = z.iso.datetime({ offset: true });
export const email = z.email().max(254);
export const role = z.enum(ROLES as [Role, ...Role[]]);
export const newPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH);
/** For sign-in: any length up to the cap, so an old short password still gets its ordinary answer. */
export const anyPassword = z.string().min(1).max(PASSWORD_MAX_LENGTH);

/** `{ [name]: uuid }`, the params schema of `/things/:name`. */
export function idParams<K extends string>(name: K) {
  return z.strictObject({ [name]: id } as { [P in K]: typeof id });
}

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
