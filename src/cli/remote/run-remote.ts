/**
 * `assay run --remote <url> --suite <id>`: the server runs the suites; this process triggers them with
 * the API key in ASSAY_API_KEY, follows each run's event stream into the same reporters as a local
 * run (live display, JSON, JUnit), and exits with the same codes: 0 all passed, 1 a run failed,
 * errored or was cancelled, 2 invalid input or a refusal by the server. A dropped stream is resumed
 * with Last-Event-ID, so nothing is reported twice or lost.
 */
import { emptyCounts, type RunEvent, type RunSummary } from '../../core/runner/model.ts';
import { type CommandInput, EXIT, UsageError } from '../command.ts';
import { reportUnexpected } from '../errors.ts';
import { assignments, parseScalar, readVariablesFile, type Variables } from '../run/inputs.ts';
import { type OpenReporter, openReporters, planReporters } from '../run/outputs.ts';
import { strings } from '../values.ts';
import { createRemoteApi, type RemoteApi, type RemoteRun, RemoteUnreachableError } from './api-client.ts';

const EXIT_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;
const RECONNECTS = 5;

export async function runRemote({ values, positionals, tokens }: CommandInput): Promise<number> {
  const url = remoteUrl(String(values.remote ?? ''));
  if (positionals.length > 0) {
    throw new UsageError(
      'with --remote, the server runs saved suites: name them with --suite <id>, not files',
    );
  }
  const suites = strings(values.suite);
  if (suites.length === 0) throw new UsageError('--remote needs at least one --suite <id>');
  if (values.secret !== undefined || values['secrets-file'] !== undefined) {
    throw new UsageError(
      "--secret cannot be sent to a server: keep secrets in the suite's environment there",
    );
  }
  const apiKey = process.env.ASSAY_API_KEY;
  if (!apiKey) throw new UsageError('--remote needs an API key in ASSAY_API_KEY (scope runs:write)');
  const plans = planReporters(tokens);
  const variables = await collectVariables(values);
  const environment = typeof values.environment === 'string' ? values.environment : undefined;
  const idempotencyKey =
    typeof values['idempotency-key'] === 'string' ? values['idempotency-key'] : undefined;

  // A key that requires signed requests needs its signing secret too.
  const api = createRemoteApi(url, apiKey, process.env.ASSAY_SIGNING_SECRET || undefined);
  const runs: RemoteRun[] = [];
  for (const suiteId of suites) {
    const body = {
      ...(environment ? { environment_id: environment } : {}),
      ...(Object.keys(variables).length > 0 ? { variables } : {}),
    };
    const key = idempotencyKey && suites.length > 1 ? `${idempotencyKey}:${suiteId}` : idempotencyKey;
    runs.push(await api.trigger(suiteId, body, key));
  }

  const reporters = await openReporters(plans);
  const emit = fanOut(reporters);
  const controller = new AbortController();
  let stoppedBy: keyof typeof EXIT_SIGNAL | undefined;
  const onSignal = (signal: keyof typeof EXIT_SIGNAL): void => {
    if (stoppedBy) process.exit(EXIT_SIGNAL[signal]);
    stoppedBy = signal;
    process.stderr.write('\nInterrupted: cancelling the runs on the server (Ctrl-C again to quit now)\n');
    for (const run of runs) void api.cancel(run.id).catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summaries = await Promise.all(runs.map((run) => followRun(api, run, emit, controller.signal)));
    await Promise.all(reporters.map((r) => r.close()));
    if (stoppedBy) return EXIT_SIGNAL[stoppedBy];
    return summaries.every((s) => s.status === 'passed') ? EXIT.ok : EXIT.failed;
  } finally {
    controller.abort();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Streams one run's events into the reporters until its `run.finished`; returns its summary. */
export async function followRun(
  api: RemoteApi,
  run: RemoteRun,
  emit: (event: RunEvent) => void,
  signal: AbortSignal,
): Promise<RunSummary> {
  let lastSeq = 0;
  let started = false;
  let failures = 0;
  const finish = (summary: RunSummary): RunSummary => {
    if (!started) {
      // Ended before it started (cancelled while queued, invalid suite): reporters still see a suite.
      emit({
        type: 'run.started',
        suite: summary.suite,
        steps: 0,
        iterations: 0,
        startedAt: summary.startedAt,
      });
    }
    emit({ type: 'run.finished', summary });
    return summary;
  };
  for (;;) {
    try {
      for await (const message of api.events(run.id, lastSeq, signal)) {
        if (message.id !== undefined && /^\d+$/.test(message.id)) lastSeq = Number(message.id);
        failures = 0;
        const data = JSON.parse(message.data) as Record<string, unknown>;
        if (message.event === 'run.started' && !started) {
          started = true;
          emit({
            type: 'run.started',
            suite: String(data.suite),
            steps: Number(data.steps),
            iterations: Number(data.iterations),
            startedAt: String(data.startedAt),
          });
        } else if (message.event === 'step.finished') {
          emit({ type: 'step.finished', result: data.result as never });
        } else if (message.event === 'run.requeued') {
          process.stderr.write(
            `assay: the server is resuming run ${run.id} (it was interrupted on attempt ${data.attempt})\n`,
          );
        } else if (message.event === 'run.finished') {
          return finish(data.summary as RunSummary);
        }
      }
    } catch (error) {
      if (error instanceof UsageError && !(error instanceof RemoteUnreachableError)) throw error;
      if (++failures > RECONNECTS) throw error;
    }
    // The stream closed without the end of the run: ask the run itself, then resume the stream.
    const current = await api.get(run.id).catch(() => null);
    if (current && !['queued', 'running'].includes(current.status)) {
      return finish((current.summary as unknown as RunSummary | null) ?? endedWithoutSummary(current));
    }
    if (signal.aborted) throw new Error('stopped');
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 5000)));
  }
}

function endedWithoutSummary(run: RemoteRun): RunSummary {
  const summary: RunSummary = {
    suite: run.id,
    status:
      run.status === 'passed' || run.status === 'failed' || run.status === 'cancelled'
        ? run.status
        : 'errored',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    iterations: 0,
    counts: emptyCounts(),
  };
  if (run.error) summary.error = run.error;
  return summary;
}

function remoteUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--remote '${text}': expected the server's URL, like https://assay.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--remote '${text}': expected an http:// or https:// URL`);
  }
  return url.toString();
}

async function collectVariables(values: CommandInput['values']): Promise<Variables> {
  const merged: Variables = {};
  for (const file of strings(values['env-file'])) {
    Object.assign(merged, await readVariablesFile(file, '--env-file'));
  }
  return Object.assign(merged, assignments(strings(values.var), '--var', parseScalar));
}

function fanOut(reporters: readonly OpenReporter[]): (event: RunEvent) => void {
  let reported = false;
  return (event) => {
    for (const { reporter } of reporters) {
      try {
        reporter.onEvent(event);
      } catch (error) {
        if (!reported) reportUnexpected('reporter failed', error);
        reported = true;
      }
    }
  };
}
