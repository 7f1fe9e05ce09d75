/**
 * JUnit XML as Jenkins, GitLab and the GitHub test-report actions read it: one `<testsuite>` per suite
 * file, one `<testcase>` per step and iteration.
 *
 * Memory tradeoff: a `<testsuite>` element carries its counts as attributes, so it can only be written
 * once its suite has finished. Each running suite's testcases are buffered as XML strings until then
 * (bounded by that suite's size, not the run's); finished suites are written and forgotten. The root
 * `<testsuites>` is written first and therefore carries no totals, which these consumers do not need.
 */
import type { RunEvent, RunSummary, StepResult } from '../core/runner/model.ts';
import { evidenceLines, headline, iterationSuffix } from './evidence.ts';
import { flushed, type Reporter, type ReporterOptions } from './reporter.ts';
import { element, escapeText } from './xml.ts';

interface OpenSuite {
  file: string | undefined;
  iterations: number;
  startedAt: string;
  testcases: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export function createJunitReporter({ out }: ReporterOptions): Reporter {
  const open = new Map<string, OpenSuite>();
  out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="assay">\n');

  const suiteOf = (name: string): OpenSuite => {
    let suite = open.get(name);
    if (!suite) {
      suite = newSuite(undefined, 1, new Date().toISOString());
      open.set(name, suite);
    }
    return suite;
  };

  const write = (name: string, suite: OpenSuite, summary: RunSummary | undefined): void => {
    if (summary?.error) {
      // A run that could not go on (timeout, bad data file) is an error CI must show, not a silent gap.
      suite.tests++;
      suite.errors++;
      const error = element('error', { message: summary.error.message, type: summary.error.code }, '');
      suite.testcases.push(
        `    ${element('testcase', { name: 'suite run', classname: name, time: '0' }, error)}`,
      );
    }
    const attributes = {
      name,
      tests: suite.tests,
      failures: suite.failures,
      errors: suite.errors,
      skipped: suite.skipped,
      time: seconds(summary?.durationMs ?? 0),
      timestamp: timestamp(summary?.startedAt ?? suite.startedAt),
      file: suite.file,
    };
    const body = suite.testcases.length > 0 ? `\n${suite.testcases.join('\n')}\n  ` : '';
    out.write(`  ${element('testsuite', attributes, body)}\n`);
  };

  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'run.started':
          open.set(event.suite, newSuite(event.file, event.iterations, event.startedAt));
          return;
        case 'step.finished': {
          const suite = suiteOf(event.result.suite);
          suite.tests++;
          if (event.result.status === 'failed') suite.failures++;
          else if (event.result.status === 'errored') suite.errors++;
          else if (event.result.status === 'skipped') suite.skipped++;
          suite.testcases.push(`    ${testcase(event.result, suite)}`);
          return;
        }
        case 'run.finished': {
          const name = event.summary.suite;
          const suite =
            open.get(name) ?? newSuite(event.summary.file, event.summary.iterations, event.summary.startedAt);
          suite.file ??= event.summary.file;
          write(name, suite, event.summary);
          open.delete(name);
          return;
        }
        default:
          return;
      }
    },
    async finish() {
      // Suites that never finished (an interrupted run) are still reported with what they have.
      for (const [name, suite] of open) write(name, suite, undefined);
      open.clear();
      out.write('</testsuites>\n');
      await flushed(out);
    },
  };
}

function newSuite(file: string | undefined, iterations: number, startedAt: string): OpenSuite {
  return { file, iterations, startedAt, testcases: [], tests: 0, failures: 0, errors: 0, skipped: 0 };
}

function testcase(result: StepResult, suite: OpenSuite): string {
  const attributes = {
    name: `${result.step}${iterationSuffix(result.iteration, suite.iterations)}`,
    classname: result.suite,
    time: seconds(result.durationMs),
    file: suite.file,
  };
  switch (result.status) {
    case 'passed':
      return element('testcase', attributes);
    case 'skipped':
      return element('testcase', attributes, element('skipped', { message: result.skipReason }));
    case 'failed':
    case 'errored': {
      const evidence = escapeText(evidenceLines(result).join('\n'));
      const child =
        result.status === 'failed'
          ? element('failure', { message: headline(result), type: 'assertion' }, evidence)
          : element('error', { message: headline(result), type: result.error?.code ?? 'ERROR' }, evidence);
      return element('testcase', attributes, child);
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The JUnit schema's timestamp has no zone or fraction; ours are UTC. */
function timestamp(iso: string): string {
  return iso.slice(0, 19);
}
