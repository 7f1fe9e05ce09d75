/** `assay run`: load and validate every suite, then run them concurrently and report. */
import path from 'node:path';
import type { EgressCheck } from '../../core/runner/http/types.ts';
import type { RunEvent, RunSummary } from '../../core/runner/model.ts';
import { emptyCounts } from '../../core/runner/model.ts';
import type { runSuite as RunSuite } from '../../core/runner/run-suite.ts';
import { type Command, type CommandInput, EXIT, UsageError } from '../command.ts';
import { reportUnexpected } from '../errors.ts';
import { COLLECTION_HELP, COLLECTION_OPTIONS, isCollectionRun } from '../postman/options.ts';
import { discoverSuiteFiles } from '../run/discover.ts';
import { egressCheckFor } from '../run/egress.ts';
import { asSecrets, assignments, parseScalar, readVariablesFile, type Variables } from '../run/inputs.ts';
import { disambiguateNames, type LoadedSuite, loadSuites } from '../run/load-suites.ts';
import { type OpenReporter, openReporters, planReporters } from '../run/outputs.ts';
import { runPool } from '../run/pool.ts';
import { strings } from '../values.ts';

/** Exit codes after Ctrl-C or a CI cancellation, as shells report a process ended by the signal. */
const EXIT_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

const help = `Usage: assay run <files|dirs|globs…> [options]

Runs API test suites. Directories are searched recursively for .yaml, .yml and .json suites
(node_modules and hidden folders are skipped; files without a top-level version or steps are ignored).
Every suite is validated before anything runs.

Options:
  --var NAME=VALUE        set a variable (repeatable); 42, true, false and null are typed, anything
                          else is a string
  --env-file PATH         variables from a file: .json/.yaml/.yml hold a map; any other file is
                          dotenv style (NAME=VALUE lines, # comments; quoted values stay strings)
  --secret NAME=VALUE     a {{ secrets.NAME }} value (repeatable); masked in every output
  --secrets-file PATH     secrets from a file, same formats as --env-file
  -r, --reporter NAME     pretty (default), json or junit; repeatable
  -o, --out PATH          write the preceding --reporter to a file instead of stdout
  -c, --concurrency N     suite files run at once (default 4); steps in a suite stay sequential
  --bail                  stop each suite at its first failed or errored step
  --timeout MS            time limit for each suite's whole run
  -k, --insecure          accept invalid TLS certificates
  --egress-guard          refuse connections to loopback, private, link-local and cloud metadata
                          addresses (redirects and every resolved address included), as the server does
  --egress-allow CIDR     with the guard on, allow this range (repeatable; implies --egress-guard);
                          a metadata address is allowed only when named exactly
  --remote URL            run on an Assay server instead (API key in ASSAY_API_KEY): with
                          --suite ID (repeatable), -e/--environment ID, --var, --env-file,
                          --idempotency-key KEY; events stream into the same reporters
  -h, --help              show this help

Variables: suite defaults < --env-file < --var. {{ env.NAME }} reads the process environment.

Examples:
  assay run tests/api
  assay run 'tests/**/*.yaml' --var baseUrl=http://localhost:3000 --env-file .env.test
  assay run tests --reporter pretty --reporter junit --out reports/junit.xml

Exit codes: 0 all passed, 1 a step failed or errored, 2 invalid input (usage, invalid suite,
unreadable file), 130 interrupted (143 on SIGTERM).
`;

export const command: Command = {
  help: help + COLLECTION_HELP,
  options: {
    var: { type: 'string', multiple: true },
    'env-file': { type: 'string', multiple: true },
    secret: { type: 'string', multiple: true },
    'secrets-file': { type: 'string', multiple: true },
    reporter: { type: 'string', short: 'r', multiple: true },
    out: { type: 'string', short: 'o', multiple: true },
    concurrency: { type: 'string', short: 'c' },
    bail: { type: 'boolean' },
    timeout: { type: 'string' },
    insecure: { type: 'boolean', short: 'k' },
    'egress-guard': { type: 'boolean' },
    'egress-allow': { type: 'string', multiple: true },
    remote: { type: 'string' },
    suite: { type: 'string', multiple: true },
    'idempotency-key': { type: 'string' },
    ...COLLECTION_OPTIONS,
  },
  run,
};

async function run({ values, positionals, tokens }: CommandInput): Promise<number> {
  if (values.remote !== undefined) {
    return (await import('../remote/run-remote.ts')).runRemote({ values, positionals, tokens });
  }
  if (positionals.length === 0) throw new UsageError("no suites given (see 'assay run --help')");
  // A Postman collection runs with Newman's options and reports; see src/cli/postman/.
  if (await isCollectionRun({ values, positionals, tokens })) {
    return (await import('../postman/run-collection.ts')).runCollectionCommand({
      values,
      positionals,
      tokens,
    });
  }
  const plans = planReporters(tokens);
  const concurrency = positiveInt(values.concurrency, '--concurrency') ?? 4;
  const timeoutMs = positiveInt(values.timeout, '--timeout');
  const variables = await collectVariables(values);
  const secrets = await collectSecrets(values);
  const egressCheck = await egressCheckFor(values);

  const files = await discoverSuiteFiles(positionals);
  const outcome = await loadSuites(files);
  if (outcome.errors.length > 0) {
    for (const message of outcome.errors) process.stderr.write(`${message}\n`);
    process.stderr.write(`\n${outcome.invalidFiles} invalid suite file(s); nothing was run.\n`);
    return EXIT.invalid;
  }

  // The engine is loaded only now, so usage mistakes and invalid suites are reported without waiting for it.
  const { runSuite } = await import('../../core/runner/run-suite.ts');
  const reporters = await openReporters(plans);
  const emit = fanOut(reporters);
  const controller = new AbortController();
  let stoppedBy: keyof typeof EXIT_SIGNAL | undefined;
  const onSignal = (signal: keyof typeof EXIT_SIGNAL): void => {
    if (stoppedBy) process.exit(EXIT_SIGNAL[signal]);
    stoppedBy = signal;
    process.stderr.write('\nInterrupted: stopping, writing reports (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summaries = await runPool(disambiguateNames(outcome.loaded), concurrency, (entry) =>
      runOne(entry, {
        runSuite,
        variables,
        secrets,
        timeoutMs,
        bail: values.bail === true,
        insecure: values.insecure === true,
        egressCheck,
        signal: controller.signal,
        emit,
      }),
    );
    await Promise.all(reporters.map((r) => r.close()));
    if (stoppedBy) return EXIT_SIGNAL[stoppedBy];
    return summaries.every((s) => s.status === 'passed') ? EXIT.ok : EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface RunContext {
  runSuite: typeof RunSuite;
  variables: Variables;
  secrets: Record<string, string>;
  timeoutMs: number | undefined;
  bail: boolean;
  insecure: boolean;
  egressCheck: EgressCheck | undefined;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
}

async function runOne(entry: LoadedSuite, ctx: RunContext): Promise<RunSummary> {
  try {
    return await ctx.runSuite({
      suite: entry.suite,
      file: entry.path,
      baseDir: path.dirname(path.resolve(entry.path)),
      variables: ctx.variables,
      secrets: ctx.secrets,
      env: process.env,
      http: { insecure: ctx.insecure, egressCheck: ctx.egressCheck },
      timeoutMs: ctx.timeoutMs,
      bail: ctx.bail,
      signal: ctx.signal,
      onEvent: ctx.emit,
    });
  } catch (error) {
    // The engine turns API failures into results; reaching here is a bug. The other suites go on.
    reportUnexpected(`unexpected error in ${entry.path}`, error);
    const summary: RunSummary = {
      suite: entry.suite.name,
      file: entry.path,
      status: 'errored',
      startedAt: new Date().toISOString(),
      durationMs: 0,
      iterations: 0,
      counts: emptyCounts(),
      error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
    };
    ctx.emit({ type: 'run.finished', summary });
    return summary;
  }
}

/** Hands each event to every reporter; a reporter bug must not stop the run or the other reporters. */
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

async function collectVariables(values: CommandInput['values']): Promise<Variables> {
  const merged: Variables = {};
  for (const file of strings(values['env-file']))
    Object.assign(merged, await readVariablesFile(file, '--env-file'));
  return Object.assign(merged, assignments(strings(values.var), '--var', parseScalar));
}

async function collectSecrets(values: CommandInput['values']): Promise<Record<string, string>> {
  const merged: Record<string, string> = {};
  for (const file of strings(values['secrets-file'])) {
    Object.assign(
      merged,
      asSecrets(await readVariablesFile(file, '--secrets-file'), `--secrets-file ${file}`),
    );
  }
  return Object.assign(
    merged,
    assignments(strings(values.secret), '--secret', (v) => v),
  );
}

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${flag} '${text}': expected a positive whole number`);
  return Number(text);
}
