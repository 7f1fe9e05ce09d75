/**
 * Runs that end without the engine having the last word: cancelled while queued, cancelled while
 * their processor was gone, an invalid suite, too many attempts. Each still gets its `run.finished`
 * event, because SSE clients wait for it to close the stream.
 */
import type { RunSummary } from '../core/runner/model.ts';
import type { RunEventLog } from '../ports/run-event-log.ts';
import type { Run } from '../ports/run-store.ts';
import type { SuiteStore } from '../ports/suite-store.ts';
import { RUN_EVENT, type RunEventWriter, type RunStreamEvent, syntheticSummary } from './run-events.ts';

export async function finishWithoutEngine(
  deps: { writer: RunEventWriter; suites: Pick<SuiteStore, 'get'> },
  run: Run,
  status: RunSummary['status'],
  error?: { code: string; message: string },
): Promise<RunStreamEvent> {
  const suite = await deps.suites.get(run.organisationId, run.suiteId);
  const summary = run.summary ?? syntheticSummary(suite?.name ?? '', status, error ?? run.error ?? undefined);
  return deps.writer.write(run, RUN_EVENT.finished, { runId: run.id, attempt: run.attempt, summary });
}

/** The last event of a run's log, paging through it (logs are short; this runs only on rare paths). */
export async function lastRunEvent(
  runEvents: RunEventLog,
  run: Pick<Run, 'id' | 'organisationId'>,
): Promise<{ seq: number; type: string } | null> {
  let last: { seq: number; type: string } | null = null;
  for (;;) {
    const page = await runEvents.listAfter(run.organisationId, run.id, last?.seq ?? 0, 1000);
    const tail = page.at(-1);
    if (!tail) return last;
    last = { seq: tail.seq, type: tail.type };
    if (page.length < 1000) return last;
  }
}

/** Writes `run.finished` for a finished run whose log does not end with it yet. */
export async function ensureFinishedEvent(
  deps: { writer: RunEventWriter; suites: Pick<SuiteStore, 'get'>; runEvents: RunEventLog },
  run: Run,
): Promise<void> {
  if (run.status === 'queued' || run.status === 'running') return;
  const last = await lastRunEvent(deps.runEvents, run);
  if (last?.type === RUN_EVENT.finished) return;
  await finishWithoutEngine(deps, run, run.status, run.error ?? undefined);
}
