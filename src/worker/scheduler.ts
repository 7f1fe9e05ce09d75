/**
 * The in-process scheduler: every interval it lists due schedules and fires each due time exactly
 * once, however many processes run a scheduler against the same database. The fire is claimed by
 * inserting the row (schedule, fire time), which the database keeps unique; the claim, the move to
 * the next fire time and the run it creates commit together, so a claimed fire always has its run and
 * a lost race creates nothing. Scheduled runs queue behind manual and API runs (lower priority).
 * A server that was down through several due times fires once on return, not once per missed time.
 */
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Schedule } from '../ports/schedule-store.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import type { Caller } from '../services/caller.ts';
import type { RunDispatcher } from '../services/run-jobs.ts';
import { announceQueuedRun, type InsertedRun, insertQueuedRun } from '../services/runs.ts';

export interface SchedulerDeps {
  stores: Pick<Stores, 'schedules'>;
  transaction: TransactionRunner;
  dispatcher: RunDispatcher;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** The next fire time strictly after `after`; null when the expression never fires again. */
  computeNextFire(cron: string, timezone: string, after: Date): Date | null;
  /** Due schedules handled per tick. */
  batchSize?: number;
}

export interface FireOutcome {
  scheduleId: string;
  fireAt: Date;
  /** Null when another process claimed this fire first (or the suite is gone). */
  runId: string | null;
}

/** One pass: fires every due schedule this process wins. */
export async function fireDueSchedules(deps: SchedulerDeps): Promise<FireOutcome[]> {
  const now = deps.clock.now();
  const due = await deps.stores.schedules.listDue(now, deps.batchSize ?? 100);
  const outcomes: FireOutcome[] = [];
  for (const schedule of due) {
    try {
      outcomes.push(await fire(deps, schedule, now));
    } catch (error) {
      deps.logger.warn({ err: error, scheduleId: schedule.id }, 'schedule not fired; next tick retries');
    }
  }
  return outcomes;
}

async function fire(deps: SchedulerDeps, schedule: Schedule, now: Date): Promise<FireOutcome> {
  const fireAt = schedule.nextFireAt ?? now;
  // Computed from now, not from the missed time: one fire catches up, then back to the cadence.
  const after = now.getTime() > fireAt.getTime() ? now : fireAt;
  let nextFireAt: Date | null = null;
  try {
    nextFireAt = deps.computeNextFire(schedule.cron, schedule.timezone, after);
  } catch (error) {
    // An expression saved before a stricter check: stop it rather than fail every tick.
    deps.logger.warn(
      { err: error, scheduleId: schedule.id },
      'schedule cron unusable; disabled until edited',
    );
  }
  const caller: Caller = {
    organisationId: schedule.organisationId,
    actor: { type: 'system', id: null },
    ip: null,
  };
  const inserted = await deps.transaction(async (tx): Promise<InsertedRun | null> => {
    const claimed = await tx.schedules.claimFire(schedule.organisationId, schedule.id, {
      fireAt,
      nextFireAt,
    });
    if (!claimed) return null;
    const suite = await tx.suites.get(schedule.organisationId, schedule.suiteId);
    if (!suite || suite.latestVersion < 1) return null;
    const run = await insertQueuedRun(tx, caller, {
      suite,
      environmentId: schedule.environmentId,
      variables: {},
      trigger: 'schedule',
      scheduleId: schedule.id,
      idempotency: undefined,
      now,
    });
    await tx.schedules.recordFireRun(schedule.organisationId, schedule.id, fireAt, run.run.id);
    return run;
  });
  if (!inserted) return { scheduleId: schedule.id, fireAt, runId: null };
  deps.logger.info({ scheduleId: schedule.id, fireAt, runId: inserted.run.id }, 'schedule fired');
  await announceQueuedRun(deps, inserted);
  return { scheduleId: schedule.id, fireAt, runId: inserted.run.id };
}

/** Ticks every `intervalMs` until stopped; ticks never overlap. */
export function startScheduler(deps: SchedulerDeps & { intervalMs: number }): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    current = fireDueSchedules(deps)
      .catch((error) => deps.logger.warn({ err: error }, 'scheduler tick failed'))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, deps.intervalMs);
        timer.unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
