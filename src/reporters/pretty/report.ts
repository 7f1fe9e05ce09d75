/** The end of a pretty run: the failure report with evidence, then one summary line. */
import type { RunStatus, RunSummary, StepResult } from '../../core/runner/model.ts';
import { evidenceLines, formatDuration, type Paint, stepTitle } from '../evidence.ts';

export interface Failure {
  result: StepResult;
  iterations: number;
  file: string | undefined;
}

export interface ReportInput {
  failures: Failure[];
  /** Failures beyond those kept in detail (the list is bounded to keep memory flat). */
  omitted: number;
  summaries: RunSummary[];
  status: RunStatus;
  durationMs: number;
}

export function failureReport(input: ReportInput, paint: Paint): string {
  const blocks: string[] = [];
  input.failures.forEach((failure, i) => {
    const { result } = failure;
    const label = result.status === 'errored' ? 'errored' : 'failed';
    const lines = [
      `${paint('bad', `${i + 1}) ${stepTitle(result, failure.iterations)}`)} ${paint('dim', `(${label})`)}`,
    ];
    if (failure.file) lines.push(paint('dim', `   ${failure.file}`));
    for (const line of evidenceLines(result, paint)) lines.push(`   ${line}`);
    blocks.push(lines.join('\n'));
  });
  if (input.omitted > 0) {
    blocks.push(paint('dim', `… and ${input.omitted} more failed step(s) not shown (see the JSON report).`));
  }
  for (const summary of input.summaries) {
    if (summary.error) {
      const where = summary.file ? paint('dim', ` (${summary.file})`) : '';
      blocks.push(
        `${paint('bad', `${summary.suite}: run ${summary.status}`)}${where}\n   ${summary.error.code}: ${summary.error.message}`,
      );
    }
  }
  return blocks.length > 0 ? `\n${paint('bold', 'Failures')}\n\n${blocks.join('\n\n')}\n` : '';
}

export function summaryLine(input: ReportInput, paint: Paint): string {
  const t = { steps: 0, passed: 0, failed: 0, errored: 0, skipped: 0, assertions: 0, assertionsFailed: 0 };
  for (const s of input.summaries) {
    t.steps += s.counts.steps;
    t.passed += s.counts.passed;
    t.failed += s.counts.failed;
    t.errored += s.counts.errored;
    t.skipped += s.counts.skipped;
    t.assertions += s.counts.assertions;
    t.assertionsFailed += s.counts.assertionsFailed;
  }
  const suitesBad = input.summaries.filter((s) => s.status !== 'passed').length;
  const verdict =
    input.status === 'passed'
      ? paint('good', `✓ ${input.status.toUpperCase()}`)
      : paint('bad', `✗ ${input.status.toUpperCase()}`);
  const parts = [
    `${plural(input.summaries.length, 'suite')}${suitesBad > 0 ? paint('bad', ` (${suitesBad} not passed)`) : ''}`,
    [
      `${plural(t.steps, 'step')}: ${paint('good', `${t.passed} passed`)}`,
      count(t.failed, 'failed', paint),
      count(t.errored, 'errored', paint),
      `${t.skipped} skipped`,
    ].join(', '),
    `${plural(t.assertions, 'assertion')}${t.assertionsFailed > 0 ? paint('bad', ` (${t.assertionsFailed} failed)`) : ''}`,
    formatDuration(input.durationMs),
  ];
  return `\n${verdict}  ${parts.join(paint('dim', ' · '))}\n`;
}

function count(n: number, word: string, paint: Paint): string {
  return n > 0 ? paint('bad', `${n} ${word}`) : `${n} ${word}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
