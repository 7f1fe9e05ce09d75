/**
 * What happens when a run reaches its final state: the enabled channels of its project get one
 * delivery per event they subscribe to, among
 * - `run.finished`: every final state (passed, failed, errored, cancelled);
 * - `run.failed`: failed or errored;
 * - `run.recovered`: passed, when the previous finished run of the same suite (by creation order,
 *   cancelled runs not counted) failed or errored — the first pass after one or more failures.
 *
 * Called after the final state is committed. A delivery is unique per (channel, `run:<id>:<event>`),
 * so calling this twice for a run (two processes, a retried job, a repaired event log) delivers once.
 * The HTTP work happens later, in the `webhooks` queue.
 */
import type { Logger } from '../platform/logger.ts';
import type { NotificationChannel, NotificationEvent } from '../ports/notification-store.ts';
import type { Run } from '../ports/run-store.ts';
import type { Stores } from '../ports/stores.ts';
import type { WebhookDispatcher } from './webhooks-jobs.ts';

export interface RunNotifierDeps {
  stores: Pick<Stores, 'runs' | 'suites' | 'notifications'>;
  dispatcher: WebhookDispatcher;
  /** ASSAY_PUBLIC_URL, for the run's link in the payload. */
  publicUrl: string;
  logger: Logger;
}

export interface RunNotifier {
  /** Never throws: a notification problem must not undo or retry a finished run. */
  notifyRunFinished(run: Pick<Run, 'id' | 'organisationId'>): Promise<void>;
}

const FAILURES: ReadonlySet<string> = new Set(['failed', 'errored']);

export function createRunNotifier(deps: RunNotifierDeps): RunNotifier {
  const { stores } = deps;

  async function recovered(run: Run): Promise<{ id: string; status: string } | null> {
    if (run.status !== 'passed') return null;
    // Runs are ordered by (created_at, id), ids being time-ordered: runs created in the same
    // millisecond still have an order, so the window includes this run's millisecond.
    const at = run.createdAt.getTime();
    const window = await stores.runs.list(
      run.organisationId,
      { suiteId: run.suiteId, status: ['passed', 'failed', 'errored'], to: new Date(at + 1) },
      { limit: 20, cursor: null },
    );
    const last = window.items.find(
      (r) => r.createdAt.getTime() < at || (r.createdAt.getTime() === at && r.id < run.id),
    );
    return last && FAILURES.has(last.status) ? { id: last.id, status: last.status } : null;
  }

  async function notify(ref: Pick<Run, 'id' | 'organisationId'>): Promise<void> {
    const run = await stores.runs.get(ref.organisationId, ref.id);
    if (!run || run.status === 'queued' || run.status === 'running') return;
    const channels = await stores.notifications.listEnabledForProject(run.organisationId, run.projectId);
    if (channels.length === 0) return;

    const events: NotificationEvent[] = ['run.finished'];
    if (FAILURES.has(run.status)) events.push('run.failed');
    let previous: { id: string; status: string } | null = null;
    if (channels.some((c) => c.events.includes('run.recovered'))) {
      previous = await recovered(run);
      if (previous) events.push('run.recovered');
    }
    const suite = await stores.suites.get(run.organisationId, run.suiteId);
    const data = runPayload(run, suite?.name ?? run.summary?.suite ?? '', deps.publicUrl);

    for (const channel of channels) {
      for (const event of events) {
        if (!channel.events.includes(event)) continue;
        await deliver(channel, run, event, {
          type: event,
          timestamp: (run.finishedAt ?? new Date()).toISOString(),
          data: event === 'run.recovered' && previous ? { ...data, previous_run: previous } : data,
        });
      }
    }
  }

  async function deliver(
    channel: NotificationChannel,
    run: Run,
    event: NotificationEvent,
    payload: Record<string, unknown>,
  ): Promise<void> {
    const { delivery, created } = await stores.notifications.createDelivery({
      organisationId: run.organisationId,
      channelId: channel.id,
      runId: run.id,
      event,
      dedupeKey: `run:${run.id}:${event}`,
      payload,
    });
    // A delivery that exists but was never tried lost its enqueue (a crash, the queue down): try again.
    // The job id is the delivery's, so this adds nothing when its job is still waiting or running.
    if (created || (delivery.status === 'pending' && delivery.attempts === 0)) {
      await deps.dispatcher.enqueue(delivery);
    }
  }

  return {
    async notifyRunFinished(run) {
      try {
        await notify(run);
      } catch (error) {
        deps.logger.warn({ err: error, runId: run.id }, 'webhook notifications of a finished run failed');
      }
    },
  };
}

/** The run as receivers see it: a summary, no variables (they may hold values people typed). */
export function runPayload(run: Run, suiteName: string, publicUrl: string): Record<string, unknown> {
  const counts = run.summary?.counts;
  return {
    id: run.id,
    url: `${publicUrl}/api/v1/runs/${run.id}`,
    status: run.status,
    trigger: run.trigger,
    attempt: run.attempt,
    project_id: run.projectId,
    suite: { id: run.suiteId, name: suiteName, version: run.suiteVersion },
    environment_id: run.environmentId,
    schedule_id: run.scheduleId,
    counts: counts
      ? {
          steps: counts.steps,
          passed: counts.passed,
          failed: counts.failed,
          errored: counts.errored,
          skipped: counts.skipped,
          assertions: counts.assertions,
          assertions_failed: counts.assertionsFailed,
          requests: counts.requests,
        }
      : null,
    error: run.error ? { code: run.error.code, message: run.error.message } : null,
    queued_at: run.queuedAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    duration_ms: run.durationMs,
  };
}
