/**
 * Cron expressions read in an IANA time zone. Five fields (minute precision) or a nickname such as
 * `@daily`: a seconds field would let one schedule queue a run every second. Day-of-month and
 * day-of-week combine with OR, as in Vixie cron. A local time skipped by a daylight-saving change
 * fires at the first minute after the gap; one repeated by it fires once.
 */
import { Cron } from 'croner';
import type { FieldProblem } from '../platform/errors.ts';

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** The next fire time strictly after `after`; null when the expression never fires again. */
export function computeNextFire(cron: string, timezone: string, after: Date): Date | null {
  return compile(cron, timezone).nextRun(after);
}

/** Every problem with a cron expression and time zone, named by field; empty when both are usable. */
export function checkSchedule(
  input: { cron: string; timezone: string },
  now: Date,
  paths: { cron: string; timezone: string } = { cron: 'body.cron', timezone: 'body.timezone' },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const zoneOk = canonicalTimeZone(input.timezone) !== null;
  if (!zoneOk) {
    problems.push({
      path: paths.timezone,
      message: `${JSON.stringify(input.timezone)} is not an IANA time zone (like UTC or Europe/Paris)`,
      code: 'invalid_timezone',
    });
  }
  const cron = input.cron.trim();
  const fields = cron.split(/\s+/);
  if (cron.startsWith('@') && !NICKNAMES.includes(cron.toLowerCase())) {
    problems.push({
      path: paths.cron,
      message: `${JSON.stringify(cron)} is not a cron nickname; use one of ${NICKNAMES.join(', ')}`,
      code: 'invalid_cron',
    });
    return problems;
  }
  if (!cron.startsWith('@') && fields.length !== 5) {
    problems.push({
      path: paths.cron,
      message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}; write 5 (minute hour day-of-month month day-of-week) or a nickname like @daily`,
      code: 'invalid_cron',
    });
    return problems;
  }
  try {
    const next = compile(input.cron, zoneOk ? input.timezone : 'UTC').nextRun(now);
    if (next === null) {
      problems.push({ path: paths.cron, message: 'never fires (no such date)', code: 'invalid_cron' });
    }
  } catch (error) {
    problems.push({ path: paths.cron, message: describeCronError(error), code: 'invalid_cron' });
  }
  return problems;
}

/** The zone's identifier as the runtime spells it (`utc` → `UTC`), or null when it is not a zone. */
export function canonicalTimeZone(name: string): string | null {
  if (name.trim() === '' || name !== name.trim()) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function compile(cron: string, timezone: string): Cron {
  // No callback: the instance only computes dates and starts no timer.
  return new Cron(cron.trim(), { timezone, mode: '5-part', paused: true });
}

/** Croner's messages start with the class name; keep the part a person can act on. */
function describeCronError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.replace(/^Cron\w*:\s*/, '');
  return `is not a valid cron expression: ${reason}`;
}
