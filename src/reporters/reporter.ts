/**
 * What every reporter is: a sink of run events that writes to one output stream. Reporters keep only
 * what their output needs at the end (summaries, a bounded list of failures), never every step result.
 */
import type { Writable } from 'node:stream';
import type { RunEvent, RunStatus, RunSummary } from '../core/runner/model.ts';

export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Writes the closing output and resolves once it has been handed to the stream. */
  finish(): Promise<void>;
}

export interface ReporterOptions {
  out: Writable;
}

export type ReporterFactory = (options: ReporterOptions) => Reporter;

/** The status of several suite runs together: the worst one wins. */
export function overallStatus(summaries: readonly RunSummary[]): RunStatus {
  const order: RunStatus[] = ['cancelled', 'errored', 'failed'];
  for (const status of order) if (summaries.some((s) => s.status === status)) return status;
  return 'passed';
}

/** Resolves once everything written so far has been handed to the stream's destination. */
export function flushed(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write('', (error) => (error ? reject(error) : resolve()));
  });
}
