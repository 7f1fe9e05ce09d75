import type { Page, PageRequest } from './pagination.ts';

export interface Schedule {
  id: string;
  organisationId: string;
  projectId: string;
  suiteId: string;
  environmentId: string | null;
  name: string;
  cron: string;
  /** IANA time zone the cron expression is read in. */
  timezone: string;
  enabled: boolean;
  nextFireAt: Date | null;
  lastFiredAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ScheduleStore {
  create(input: {
    organisationId: string;
    projectId: string;
    suiteId: string;
    environmentId?: string | null;
    name?: string;
    cron: string;
    timezone: string;
    enabled?: boolean;
    nextFireAt: Date | null;
    createdBy?: string | null;
  }): Promise<Schedule>;
  get(organisationId: string, scheduleId: string): Promise<Schedule | null>;
  list(
    organisationId: string,
    filter: { projectId?: string; suiteId?: string },
    page?: PageRequest,
  ): Promise<Page<Schedule>>;
  update(
    organisationId: string,
    scheduleId: string,
    patch: {
      name?: string;
      cron?: string;
      timezone?: string;
      enabled?: boolean;
      environmentId?: string | null;
      nextFireAt?: Date | null;
    },
  ): Promise<Schedule | null>;
  delete(organisationId: string, scheduleId: string): Promise<boolean>;

  /** Enabled schedules of every organisation whose next fire time is at or before `now`, soonest first. */
  listDue(now: Date, limit: number): Promise<Schedule[]>;
  /**
   * Claims one due time, exactly once across processes: records (schedule, fireAt) and moves the
   * schedule to `nextFireAt`, in one transaction. False when that time was already claimed.
   */
  claimFire(
    organisationId: string,
    scheduleId: string,
    fire: { fireAt: Date; nextFireAt: Date | null },
  ): Promise<boolean>;
  /** Links the run created for a claimed fire. */
  recordFireRun(organisationId: string, scheduleId: string, fireAt: Date, runId: string): Promise<void>;
}
