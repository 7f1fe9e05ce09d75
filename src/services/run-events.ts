/**
 * A run's events, persisted then published: the RunEventLog row gives each event its seq (the SSE id),
 * and the EventBus channel `run:<id>` carries the same record to every process streaming the run.
 * The log is the truth; the bus is a fast path that may drop messages (Redis pub/sub).
 */
import { emptyCounts, type RunSummary } from '../core/runner/model.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { RunEventLog } from '../ports/run-event-log.ts';
import type { Run } from '../ports/run-store.ts';

/** What SSE streams and what the bus carries: one persisted event. */
export interface RunStreamEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export const RUN_EVENT = {
  queued: 'run.queued',
  started: 'run.started',
  stepFinished: 'step.finished',
  requeued: 'run.requeued',
  finished: 'run.finished',
} as const;

export function runChannel(runId: string): string {
  return `run:${runId}`;
}

export interface RunEventWriter {
  /** Appends to the log and publishes; resolves with the persisted event. */
  write(
    run: Pick<Run, 'id' | 'organisationId'>,
    type: string,
    data: Record<string, unknown>,
  ): Promise<RunStreamEvent>;
}

export function createRunEventWriter(deps: {
  runEvents: RunEventLog;
  events: EventBus;
  /** A failed publish loses nothing (readers catch up from the log), so it is only reported. */
  onPublishError?: (error: unknown) => void;
  /**
   * Told once `run.finished` is written, which happens only after the final state is committed, on
   * every path that ends a run (webhook notifications). Must not throw.
   */
  onRunFinished?: (run: Pick<Run, 'id' | 'organisationId'>) => Promise<void>;
}): RunEventWriter {
  return {
    async write(run, type, data) {
      const record = await deps.runEvents.append(run.organisationId, run.id, { type, data });
      const event: RunStreamEvent = {
        seq: record.seq,
        type: record.type,
        data: data,
        createdAt: record.createdAt.toISOString(),
      };
      await publishRunEvent(deps.events, run.id, event, deps.onPublishError);
      if (type === RUN_EVENT.finished) await deps.onRunFinished?.(run);
      return event;
    },
  };
}

export async function publishRunEvent(
  events: EventBus,
  runId: string,
  event: RunStreamEvent,
  onError?: (error: unknown) => void,
): Promise<void> {
  try {
    await events.publish(runChannel(runId), event);
  } catch (error) {
    onError?.(error);
  }
}

export function toStreamEvent(record: {
  seq: number;
  type: string;
  data: unknown;
  createdAt: Date;
}): RunStreamEvent {
  return {
    seq: record.seq,
    type: record.type,
    data: (record.data ?? {}) as Record<string, unknown>,
    createdAt: record.createdAt.toISOString(),
  };
}

/** A summary for a run that ended without the engine (cancelled while queued, invalid suite, poison run). */
export function syntheticSummary(
  suiteName: string,
  status: RunSummary['status'],
  error?: { code: string; message: string },
): RunSummary {
  const summary: RunSummary = {
    suite: suiteName,
    status,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    iterations: 0,
    counts: emptyCounts(),
  };
  if (error) summary.error = error;
  return summary;
}
