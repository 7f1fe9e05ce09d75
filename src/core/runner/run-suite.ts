/**
 * Runs one suite: iterations in order, steps in order within an iteration, emitting events as it goes.
 * Keeps no history: each step result is handed to `onEvent` and dropped, so memory stays flat however
 * long the run.
 */
import type { Suite } from '../suite/schema.ts';
import type { HttpSessionOptions } from './http/types.ts';
import type { RunEventListener, RunSummary } from './model.ts';

export interface RunSuiteOptions {
  suite: Suite;
  /** Path of the suite file, for reports. */
  file?: string;
  /** Folder that relative paths in the suite (multipart files, data files) are resolved against. */
  baseDir: string;
  /** Overrides of the suite's variables: the environment's, then the command line's. */
  variables?: Record<string, unknown>;
  /** `{{ secrets.NAME }}` values; masked in every result and event. */
  secrets?: Record<string, string>;
  /** `{{ env.NAME }}` values; leave undefined where process environment must not be reachable (server). */
  env?: Record<string, string | undefined>;
  http?: HttpSessionOptions;
  /** Whole-run timeout in ms; overrides the suite's `timeout`. */
  timeoutMs?: number;
  /** Stop at the first failed or errored step; ORed with the suite's `bail`. */
  bail?: boolean;
  /** Cancels the run: the current request is aborted and the run ends `cancelled`. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** Bytes of request and response bodies kept in results. Default 4096. */
  bodyExcerptBytes?: number;
}

export async function runSuite(_options: RunSuiteOptions): Promise<RunSummary> {
  throw new Error('not implemented yet');
}
