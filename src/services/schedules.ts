/**
 * Schedule definitions: when a suite runs by itself. This module keeps `nextFireAt` right whenever a
 * definition changes; firing (claiming a due time, creating the run) belongs to the runs side, which
 * moves `nextFireAt` on with `computeNextFire`.
 */
import type { Clock } from '../platform/clock.ts';
import { NotFoundError, UnprocessableError } from '../platform/errors.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { Schedule } from '../ports/schedule-store.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { type Caller, callerUserId, recordAudit } from './caller.ts';
import { canonicalTimeZone, checkSchedule, computeNextFire } from './schedules-cron.ts';

export { computeNextFire } from './schedules-cron.ts';

export interface ScheduleServiceDeps {
  stores: Pick<Stores, 'projects' | 'suites' | 'environments' | 'schedules'>;
  transaction: TransactionRunner;
  clock: Clock;
}

export interface NewSchedule {
  suiteId: string;
  cron: string;
  /** IANA name; default UTC. */
  timezone?: string | undefined;
  enabled?: boolean | undefined;
  environmentId?: string | null | undefined;
  name?: string | undefined;
}

export interface SchedulePatch {
  cron?: string | undefined;
  timezone?: string | undefined;
  enabled?: boolean | undefined;
  environmentId?: string | null | undefined;
  name?: string | undefined;
}

export interface ScheduleService {
  /** Throws NotFoundError when the suite is not in the organisation. */
  listForSuite(organisationId: string, suiteId: string, page?: PageRequest): Promise<Page<Schedule>>;
  /** Throws NotFoundError when the project is not in the organisation. */
  listForProject(organisationId: string, projectId: string, page?: PageRequest): Promise<Page<Schedule>>;
  get(organisationId: string, scheduleId: string): Promise<Schedule>;
  /** Throws UnprocessableError naming `cron`, `timezone` or `environmentId` when one is unusable. */
  create(caller: Caller, input: NewSchedule): Promise<Schedule>;
  update(caller: Caller, scheduleId: string, patch: SchedulePatch): Promise<Schedule>;
  delete(caller: Caller, scheduleId: string): Promise<void>;
}

export function createScheduleService({ stores, transaction, clock }: ScheduleServiceDeps): ScheduleService {
  async function requireSchedule(organisationId: string, scheduleId: string): Promise<Schedule> {
    const schedule = await stores.schedules.get(organisationId, scheduleId);
    if (!schedule) throw new NotFoundError('schedule');
    return schedule;
  }

  /** Cron, zone and environment checked together, so one answer lists every problem. */
  async function check(
    organisationId: string,
    projectId: string,
    definition: { cron: string; timezone: string; environmentId: string | null },
  ): Promise<string> {
    const problems = checkSchedule(definition, clock.now());
    if (definition.environmentId !== null) {
      const environment = await stores.environments.get(organisationId, definition.environmentId);
      if (!environment || environment.projectId !== projectId) {
        problems.push({
          path: 'body.environment_id',
          message: "is not an environment of the suite's project",
          code: 'not_found',
        });
      }
    }
    if (problems.length > 0) throw new UnprocessableError(problems, { code: 'invalid_schedule' });
    return canonicalTimeZone(definition.timezone) ?? definition.timezone;
  }

  function nextFire(definition: { cron: string; timezone: string; enabled: boolean }): Date | null {
    return definition.enabled ? computeNextFire(definition.cron, definition.timezone, clock.now()) : null;
  }

  return {
    async listForSuite(organisationId, suiteId, page) {
      if (!(await stores.suites.get(organisationId, suiteId))) throw new NotFoundError('suite');
      return stores.schedules.list(organisationId, { suiteId }, page);
    },

    async listForProject(organisationId, projectId, page) {
      if (!(await stores.projects.get(organisationId, projectId))) throw new NotFoundError('project');
      return stores.schedules.list(organisationId, { projectId }, page);
    },

    get: requireSchedule,

    async create(caller, input) {
      const suite = await stores.suites.get(caller.organisationId, input.suiteId);
      if (!suite) throw new NotFoundError('suite');
      const cron = input.cron.trim();
      const enabled = input.enabled ?? true;
      const environmentId = input.environmentId ?? null;
      const timezone = await check(caller.organisationId, suite.projectId, {
        cron,
        timezone: input.timezone ?? 'UTC',
        environmentId,
      });
      return transaction(async (tx) => {
        const schedule = await tx.schedules.create({
          organisationId: caller.organisationId,
          projectId: suite.projectId,
          suiteId: suite.id,
          environmentId,
          ...(input.name === undefined ? {} : { name: input.name }),
          cron,
          timezone,
          enabled,
          nextFireAt: nextFire({ cron, timezone, enabled }),
          createdBy: callerUserId(caller),
        });
        await recordAudit(tx.audit, caller, {
          action: 'schedule.created',
          target: { type: 'schedule', id: schedule.id },
          data: { suiteId: suite.id, cron, timezone, enabled, environmentId },
        });
        return schedule;
      });
    },

    async update(caller, scheduleId, patch) {
      const current = await requireSchedule(caller.organisationId, scheduleId);
      const merged = {
        cron: patch.cron?.trim() ?? current.cron,
        timezone: patch.timezone ?? current.timezone,
        enabled: patch.enabled ?? current.enabled,
        environmentId: patch.environmentId === undefined ? current.environmentId : patch.environmentId,
      };
      const timezone = await check(caller.organisationId, current.projectId, merged);
      const timingChanged =
        merged.cron !== current.cron || timezone !== current.timezone || merged.enabled !== current.enabled;
      return transaction(async (tx) => {
        const schedule = await tx.schedules.update(caller.organisationId, scheduleId, {
          ...(patch.name === undefined ? {} : { name: patch.name }),
          cron: merged.cron,
          timezone,
          enabled: merged.enabled,
          environmentId: merged.environmentId,
          // Recomputed only when the timing changed: a rename must not skip or repeat a due fire.
          ...(timingChanged ? { nextFireAt: nextFire({ ...merged, timezone }) } : {}),
        });
        if (!schedule) throw new NotFoundError('schedule');
        await recordAudit(tx.audit, caller, {
          action: 'schedule.updated',
          target: { type: 'schedule', id: scheduleId },
          data: {
            changed: Object.keys(patch).filter((key) => patch[key as keyof SchedulePatch] !== undefined),
          },
        });
        return schedule;
      });
    },

    delete(caller, scheduleId) {
      return transaction(async (tx) => {
        const schedule = await tx.schedules.get(caller.organisationId, scheduleId);
        if (!schedule || !(await tx.schedules.delete(caller.organisationId, scheduleId))) {
          throw new NotFoundError('schedule');
        }
        await recordAudit(tx.audit, caller, {
          action: 'schedule.deleted',
          target: { type: 'schedule', id: scheduleId },
          data: { suiteId: schedule.suiteId, cron: schedule.cron, timezone: schedule.timezone },
        });
      });
    },
  };
}
