/**
 * The run executor, the handler of `runs` jobs. It claims the run with a conditional update (the
 * attempt it gets is its ticket), runs the suite with the engine (`runSuite` for Assay suites,
 * `runCollection` for Postman collections: both emit the same RunEvents), persists every step result and
 * event in order (each event is appended to the run's log, which gives it its seq, then published on
 * `run:<id>`), and writes the final state only if its attempt still owns the run. Safe to run twice
 * for the same job: a second delivery either finds the run finished or takes it over as a new attempt.
 */

import type { runCollection as RunCollection } from '../core/postman/run/run-collection.ts';
import type { HttpSessionOptions } from '../core/runner/http/types.ts';
import type { RunEvent, RunSummary, StepResult } from '../core/runner/model.ts';
import type { runSuite as RunSuite } from '../core/runner/run-suite.ts';
import type { Clock } from '../platform/clock.ts';
import { OperationalError, UserError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Job } from '../ports/job-queue.ts';
import type { Run } from '../ports/run-store.ts';
import type { Stores } from '../ports/stores.ts';
import { ensureFinishedEvent } from '../services/run-endings.ts';
import {
  createRunEventWriter,
  RUN_EVENT,
  type RunEventWriter,
  syntheticSummary,
} from '../services/run-events.ts';
import type { RunDispatcher, RunJob } from '../services/run-jobs.ts';
import { serverCollectionInputs } from './server-collection.ts';
import { prepareServerSuite } from './server-suite.ts';

export interface RunEnvironment {
  variables: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface ExecuteRunDeps {
  stores: Pick<Stores, 'runs' | 'runEvents' | 'suites'>;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Variables and decrypted secrets of an environment, read just before the run. */
  resolveEnvironment(organisationId: string, environmentId: string): Promise<RunEnvironment>;
  /** Re-enqueues a run given back at shutdown; the reconciler does it otherwise. */
  dispatcher: Pick<RunDispatcher, 'enqueue'>;
  /** The engine, loaded once by the caller. */
  runSuite: typeof RunSuite;
  /** The Postman collection runner (one HTTP session and one script sandbox per run). */
  runCollection: typeof RunCollection;
  limits: { timeoutMs: number; maxAttempts: number; bodyExcerptBytes: number };
  /** HTTP options of every server-side run; the SSRF guard's `egressCheck` is set here. */
  http: HttpSessionOptions;
  /** Told when a run has ended and its `run.finished` is written: webhook notifications. */
  onRunFinished?: (run: Pick<Run, 'id' | 'organisationId'>) => Promise<void>;
}

/** Where relative paths of a server-side suite would resolve; suites using local files are refused. */
const NO_FILES_DIR = '/nonexistent/assay-server-suite';

export function createRunExecutor(deps: ExecuteRunDeps): (job: Job<RunJob>) => Promise<void> {
  const { stores, clock, logger } = deps;
  const writer = createRunEventWriter({
    runEvents: stores.runEvents,
    events: deps.events,
    onPublishError: (error) => logger.warn({ err: error }, 'run event not published'),
    ...(deps.onRunFinished ? { onRunFinished: deps.onRunFinished } : {}),
  });
  const endings = { writer, suites: stores.suites, runEvents: stores.runEvents };

  async function end(run: Run, status: 'errored', error: { code: string; message: string }) {
    const at = clock.now();
    const summary = await finishSummary(run, status, error);
    if (
      await stores.runs.finish(run.organisationId, run.id, {
        attempt: run.attempt,
        status,
        at,
        summary,
        error,
      })
    ) {
      await writer.write(run, RUN_EVENT.finished, { runId: run.id, attempt: run.attempt, summary });
    }
  }

  async function finishSummary(
    run: Run,
    status: RunSummary['status'],
    error: { code: string; message: string },
  ) {
    const suite = await stores.suites.get(run.organisationId, run.suiteId);
    return syntheticSummary(suite?.name ?? '', status, error);
  }

  return async function executeRun(job) {
    const org = job.organisationId;
    const { runId } = job.data;
    const run = await stores.runs.claim(org, runId, clock.now());
    if (!run) {
      // Finished, cancelled while no processor held it, or gone: make sure its stream can close.
      const current = await stores.runs.get(org, runId);
      if (current) await ensureFinishedEvent(endings, current);
      return;
    }
    const log = logger.child({ runId, attempt: run.attempt });
    if (run.attempt > deps.limits.maxAttempts) {
      log.warn({ maxAttempts: deps.limits.maxAttempts }, 'run started too many times; ending it errored');
      await end(run, 'errored', {
        code: 'TOO_MANY_ATTEMPTS',
        message: `the run was started ${run.attempt} times without finishing (limit ${deps.limits.maxAttempts})`,
      });
      return;
    }

    const [suite, version] = await Promise.all([
      stores.suites.get(org, run.suiteId),
      stores.suites.getVersion(org, run.suiteId, run.suiteVersion),
    ]);
    if (!suite || !version) {
      await end(run, 'errored', {
        code: 'SUITE_NOT_FOUND',
        message: 'the suite version of this run is gone',
      });
      return;
    }
    const prepared = prepareServerSuite(version, suite.name);
    if (!prepared.ok) {
      await end(run, 'errored', { code: prepared.code, message: prepared.message });
      return;
    }
    let environment: RunEnvironment = { variables: {}, secrets: {} };
    if (run.environmentId) {
      try {
        environment = await deps.resolveEnvironment(org, run.environmentId);
      } catch (error) {
        // The environment is gone or its secrets cannot be decrypted: retrying cannot help.
        const permanent =
          error instanceof UserError || (error as { retryable?: unknown }).retryable === false;
        if (!permanent) throw error;
        await end(run, 'errored', { code: 'ENVIRONMENT', message: (error as Error).message });
        return;
      }
    }

    const pipeline = createEventPipeline({ writer, stores, run });
    const stop = new AbortController();
    const onJobAbort = () => stop.abort(job.signal.reason);
    if (job.signal.aborted) onJobAbort();
    job.signal.addEventListener('abort', onJobAbort, { once: true });
    pipeline.onFailure(() => stop.abort(new Error('run events could not be saved')));

    let summary: RunSummary;
    try {
      if (prepared.kind === 'collection') {
        const result = await deps.runCollection({
          ...serverCollectionInputs(prepared.collection, environment, run.variables, NO_FILES_DIR),
          http: deps.http,
          timeoutMs: deps.limits.timeoutMs,
          signal: stop.signal,
          onEvent: pipeline.push,
          bodyExcerptBytes: deps.limits.bodyExcerptBytes,
        });
        summary = result.summary;
      } else {
        summary = await deps.runSuite({
          suite: prepared.suite,
          baseDir: NO_FILES_DIR,
          variables: { ...environment.variables, ...run.variables },
          secrets: environment.secrets,
          env: undefined,
          http: deps.http,
          timeoutMs: Math.min(prepared.suite.timeout ?? deps.limits.timeoutMs, deps.limits.timeoutMs),
          signal: stop.signal,
          onEvent: pipeline.push,
          bodyExcerptBytes: deps.limits.bodyExcerptBytes,
        });
      }
    } catch (error) {
      // The engine turns API failures into results; reaching here is a bug, recorded on the run.
      log.error({ err: error }, 'the engine failed');
      await pipeline.drain();
      await end(run, 'errored', { code: 'INTERNAL', message: 'the run failed unexpectedly' });
      return;
    } finally {
      job.signal.removeEventListener('abort', onJobAbort);
    }

    const failure = await pipeline.drain();
    if (failure !== undefined) {
      // Operational: the job is retried and the next attempt starts the run again.
      throw new OperationalError({
        dependency: 'database',
        message: 'run events could not be saved',
        cause: failure,
      });
    }

    if (summary.status === 'cancelled') {
      const current = await stores.runs.get(org, runId);
      if (!current?.cancelRequestedAt) {
        // Not asked by a person: this process is shutting down. The run goes back to the queue.
        if (await stores.runs.release(org, runId, { attempt: run.attempt, at: clock.now() })) {
          await writer.write(run, RUN_EVENT.requeued, { runId, attempt: run.attempt, reason: 'shutdown' });
          log.info('run released for resumption');
          await deps.dispatcher.enqueue({ ...run, status: 'queued' }).catch(() => undefined);
        }
        return;
      }
    }

    const status = summary.status;
    const owned = await stores.runs.finish(org, runId, {
      attempt: run.attempt,
      status,
      at: clock.now(),
      summary,
      error: summary.error ?? null,
    });
    if (!owned) {
      log.warn('run finished by another attempt; result dropped');
      return;
    }
    await writer.write(run, RUN_EVENT.finished, { runId, attempt: run.attempt, summary });
  };
}

interface EventPipeline {
  /** Hands one engine event over; persistence happens in order, off the engine's path. */
  push(event: RunEvent): void;
  onFailure(listener: () => void): void;
  /** Waits for every pushed event; resolves with the first persistence error, if any. */
  drain(): Promise<unknown>;
}

function createEventPipeline(deps: {
  writer: RunEventWriter;
  stores: Pick<Stores, 'runs'>;
  run: Run;
}): EventPipeline {
  const { run } = deps;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let stepSeq = 0;
  const listeners: (() => void)[] = [];

  function then(work: () => Promise<unknown>): void {
    chain = chain.then(async () => {
      if (failure !== undefined) return;
      try {
        await work();
      } catch (error) {
        failure = error;
        for (const listener of listeners) listener();
      }
    });
  }

  function stepFinished(result: StepResult): void {
    const seq = stepSeq++;
    then(async () => {
      await deps.stores.runs.saveStepResult(run.organisationId, {
        runId: run.id,
        attempt: run.attempt,
        seq,
        result,
      });
      await deps.writer.write(run, RUN_EVENT.stepFinished, {
        runId: run.id,
        attempt: run.attempt,
        seq,
        result,
      });
    });
  }

  return {
    push(event) {
      if (event.type === 'run.started') {
        const { type: _type, ...data } = event;
        then(() =>
          deps.writer.write(run, RUN_EVENT.started, { runId: run.id, attempt: run.attempt, ...data }),
        );
      } else if (event.type === 'step.finished') {
        stepFinished(event.result);
      }
      // `step.started` is live display only and `run.finished` is written once the outcome is stored.
    },
    onFailure(listener) {
      listeners.push(listener);
    },
    async drain() {
      await chain;
      return failure;
    },
  };
}
