/**
 * What every kind of run (a native suite, a Postman collection) does the same way: count finished
 * steps into the summary, and turn the caller's cancellation and the whole-run timeout into one abort.
 */
import type { RunCounts, StepError, StepResult } from './model.ts';

export function countStep(counts: RunCounts, result: StepResult): void {
  counts.steps++;
  counts[result.status]++;
  if (result.attempts > 0 && result.status !== 'skipped') counts.requests += result.attempts;
  counts.assertions += result.assertions.length;
  for (const assertion of result.assertions) if (!assertion.passed) counts.assertionsFailed++;
}

/**
 * Aborts `abort` with a `CANCELLED` reason when `signal` aborts, or `RUN_TIMEOUT` after `timeoutMs`
 * (none when absent or not positive); returns the cleanup.
 */
export function watchRun(
  abort: AbortController,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
): () => void {
  const cancel = () =>
    abort.abort({ code: 'CANCELLED', message: 'the run was cancelled' } satisfies StepError);
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  const timer =
    timeoutMs === undefined || timeoutMs <= 0
      ? undefined
      : setTimeout(
          () =>
            abort.abort({
              code: 'RUN_TIMEOUT',
              message: `the run did not finish within ${timeoutMs} ms`,
            } satisfies StepError),
          timeoutMs,
        );
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  };
}
