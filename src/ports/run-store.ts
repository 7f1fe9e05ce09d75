import type { RunSummary, StepResult, StepStatus } from '../core/runner/model.ts';
import type { Page, PageRequest } from './pagination.ts';

export type RunState = 'queued' | 'running' | 'passed' | 'failed' | 'errored' | 'cancelled';
export type FinalRunState = Exclude<RunState, 'queued' | 'running'>;
export type RunTrigger = 'manual' | 'api' | 'schedule' | 'ci';

export interface RunError {
  code: string;
  message: string;
}

export interface Run {
  id: string;
  organisationId: string;
  projectId: string;
  suiteId: string;
  /** The exact suite version this run executes. */
  suiteVersion: number;
  environmentId: string | null;
  scheduleId: string | null;
  status: RunState;
  trigger: RunTrigger;
  triggeredByUserId: string | null;
  triggeredByApiKeyId: string | null;
  /** Lower runs sooner (BullMQ's convention). */
  priority: number;
  /** Times a processor has claimed the run; 0 while it has never started. */
  attempt: number;
  /** Variable overrides given when triggering. */
  variables: Record<string, unknown>;
  idempotencyKey: string | null;
  /** Hash of the triggering request, to tell a replay from a key reused for something else. */
  idempotencyFingerprint: string | null;
  cancelRequestedAt: Date | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  summary: RunSummary | null;
  error: RunError | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewRun {
  organisationId: string;
  projectId: string;
  suiteId: string;
  suiteVersion: number;
  environmentId?: string | null;
  scheduleId?: string | null;
  trigger: RunTrigger;
  triggeredByUserId?: string | null;
  triggeredByApiKeyId?: string | null;
  priority?: number;
  variables?: Record<string, unknown>;
  /** With a key, a second create within `expiresAt` returns the first run instead of a new one. */
  idempotency?: { key: string; fingerprint: string; expiresAt: Date };
  queuedAt: Date;
}

export interface RunFilter {
  projectId?: string;
  suiteId?: string;
  status?: RunState[];
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

export interface StepResultRecord {
  runId: string;
  attempt: number;
  /** Order of the result within the attempt, from 0. */
  seq: number;
  result: StepResult;
}

export interface RunStore {
  /** `created` is false when an unexpired idempotency key matched an earlier run, which is returned. */
  create(input: NewRun): Promise<{ run: Run; created: boolean }>;
  get(organisationId: string, runId: string): Promise<Run | null>;
  /** Newest first. */
  list(organisationId: string, filter: RunFilter, page?: PageRequest): Promise<Page<Run>>;

  /**
   * Claims the run for a processor: `queued` or `running` (a crashed attempt) becomes `running` with
   * attempt + 1. Null when the run is finished or unknown. The returned attempt number is the
   * processor's ticket: later writes are accepted only for it.
   */
  claim(organisationId: string, runId: string, at: Date): Promise<Run | null>;
  /** Writes the final state if the run is still on `attempt` and unfinished; false otherwise (idempotent). */
  finish(
    organisationId: string,
    runId: string,
    outcome: {
      attempt: number;
      status: FinalRunState;
      at: Date;
      summary?: RunSummary | null;
      error?: RunError | null;
    },
  ): Promise<boolean>;
  /**
   * Gives a running run back to the queue (`running → queued`) when its processor stops without
   * finishing it (shutdown past the grace period, a process found dead). Only the owner of `attempt`
   * can release; false otherwise. The attempt count stays: the next claim records the new attempt.
   */
  release(organisationId: string, runId: string, release: { attempt: number; at: Date }): Promise<boolean>;
  /**
   * A queued run becomes `cancelled` at once; a running one gets `cancelRequestedAt` and its processor
   * finishes it as cancelled. Returns the run as it now is; null when unknown.
   */
  requestCancel(organisationId: string, runId: string, at: Date): Promise<Run | null>;
  /** Unfinished runs of every organisation, oldest first: restart recovery and the reconciler. */
  listUnfinished(options: { limit: number; queuedBefore?: Date }): Promise<Run[]>;

  /** Idempotent per (run, attempt, seq): false when that result was already saved. */
  saveStepResult(
    organisationId: string,
    record: { runId: string; attempt: number; seq: number; result: StepResult },
  ): Promise<boolean>;
  /** In order; by default those of the run's current attempt. */
  listStepResults(
    organisationId: string,
    runId: string,
    options?: { attempt?: number },
  ): Promise<StepResultRecord[]>;
}

export type { StepStatus };
