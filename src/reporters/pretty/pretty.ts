/**
 * Human output. On an interactive terminal: a live progress block (suites running, steps done/total, the
 * current step) with failures printed above it as they happen. Elsewhere (pipes, files, CI): one plain
 * line per finished step, no escape codes. Both end with the failure report and a summary line.
 */
import type { RunEvent, RunSummary, StepResult } from '../../core/runner/model.ts';
import { formatDuration, headline, type Paint, stepTitle } from '../evidence.ts';
import { flushed, overallStatus, type Reporter, type ReporterOptions } from '../reporter.ts';
import { createLiveArea, type LiveArea } from './live-area.ts';
import { makePaint, terminalColors, terminalLive, terminalWidth } from './paint.ts';
import { type Failure, failureReport, summaryLine } from './report.ts';

export interface PrettyOptions extends ReporterOptions {
  /** Default: the output is a terminal and CI is not set. */
  live?: boolean;
  /** Default: the terminal supports colour (NO_COLOR and FORCE_COLOR honoured). */
  color?: boolean;
}

/** Failures kept with their evidence for the final report; beyond this they are only counted. */
const MAX_DETAILED_FAILURES = 50;
const MAX_LIVE_SUITES = 6;
const REDRAW_MS = 80;
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

interface SuiteProgress {
  file: string | undefined;
  iterations: number;
  total: number;
  done: number;
  current: string | undefined;
}

export function createPrettyReporter(options: PrettyOptions): Reporter {
  const { out } = options;
  const paint = makePaint(options.color ?? terminalColors(out));
  const live = options.live ?? terminalLive(out);
  const started = performance.now();
  const running = new Map<string, SuiteProgress>();
  const summaries: RunSummary[] = [];
  const failures: Failure[] = [];
  let omitted = 0;
  let stepsDone = 0;
  let stepsTotal = 0;
  let failedSteps = 0;

  const area: LiveArea | undefined = live ? createLiveArea(out, () => terminalWidth(out)) : undefined;
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;

  const liveLines = (): string[] => {
    const elapsed = formatDuration(performance.now() - started);
    const spinner = SPINNER[frame++ % SPINNER.length] ?? '';
    const failed = failedSteps > 0 ? paint('bad', ` · ${failedSteps} failed`) : '';
    const head = `${paint('bold', spinner)} ${summaries.length}/${summaries.length + running.size} suites · ${stepsDone}/${stepsTotal} steps${failed} · ${elapsed}`;
    const rows = [...running.entries()].slice(0, MAX_LIVE_SUITES).map(([name, p]) => {
      const current = p.current ? paint('dim', ` › ${p.current}`) : '';
      return `  ${name} ${paint('dim', `${p.done}/${p.total}`)}${current}`;
    });
    if (running.size > MAX_LIVE_SUITES)
      rows.push(paint('dim', `  … ${running.size - MAX_LIVE_SUITES} more running`));
    return [head, ...rows];
  };
  // Redraws are throttled (a fast suite finishes hundreds of steps a second), and a slow step still
  // ticks the spinner and the clock. The timer is unref'd: it never keeps the process alive.
  const schedule = (): void => {
    if (!area || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (running.size === 0) return;
      area.draw(liveLines());
      schedule();
    }, REDRAW_MS);
    timer.unref();
  };
  const print = (text: string): void => {
    if (area) area.printAbove(text);
    else out.write(text);
  };

  const onStep = (result: StepResult): void => {
    const progress = running.get(result.suite);
    const iterations = progress?.iterations ?? 1;
    stepsDone++;
    if (progress) {
      progress.done++;
      progress.current = undefined;
    }
    if (result.status === 'failed' || result.status === 'errored') {
      failedSteps++;
      if (failures.length < MAX_DETAILED_FAILURES)
        failures.push({ result, iterations, file: progress?.file });
      else omitted++;
    }
    const line = stepLine(result, iterations, paint);
    // Live mode only prints what needs attention; the block shows the rest.
    if (!area) out.write(`${line}\n`);
    else if (result.status === 'failed' || result.status === 'errored') print(`${line}\n`);
  };

  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'run.started': {
          const total = event.steps * Math.max(1, event.iterations);
          running.set(event.suite, {
            file: event.file,
            iterations: event.iterations,
            total,
            done: 0,
            current: undefined,
          });
          stepsTotal += total;
          break;
        }
        case 'step.started': {
          const progress = running.get(event.suite);
          if (progress) progress.current = event.step;
          break;
        }
        case 'step.finished':
          onStep(event.result);
          break;
        case 'run.finished': {
          const { summary } = event;
          const progress = running.get(summary.suite);
          // Steps never reached (bail, timeout) leave the total.
          if (progress) stepsTotal -= progress.total - progress.done;
          running.delete(summary.suite);
          summaries.push(summary);
          if (area || summary.error) print(`${suiteLine(summary, paint)}\n`);
          break;
        }
      }
      schedule();
    },
    async finish() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      area?.clear();
      const input = {
        failures,
        omitted,
        summaries,
        status: overallStatus(summaries),
        durationMs: performance.now() - started,
      };
      out.write(failureReport(input, paint) + summaryLine(input, paint));
      await flushed(out);
    },
  };
}

function stepLine(result: StepResult, iterations: number, paint: Paint): string {
  const title = stepTitle(result, iterations);
  const took = paint('dim', ` (${formatDuration(result.durationMs)})`);
  switch (result.status) {
    case 'passed':
      return `${paint('good', '✓')} ${title}${took}`;
    case 'skipped':
      return `${paint('dim', `- ${title} (skipped${result.skipReason ? `: ${result.skipReason}` : ''})`)}`;
    case 'failed':
      return `${paint('bad', `✗ ${title}`)}${took} ${headline(result)}`;
    case 'errored':
      return `${paint('bad', `✗ ${title}`)}${took} ${paint('bad', 'error')} ${headline(result)}`;
  }
}

function suiteLine(summary: RunSummary, paint: Paint): string {
  const c = summary.counts;
  const mark = summary.status === 'passed' ? paint('good', '✓') : paint('bad', '✗');
  const detail = `${c.passed}/${c.steps} steps passed · ${formatDuration(summary.durationMs)}`;
  const error = summary.error ? ` ${paint('bad', `run ${summary.status}: ${summary.error.code}`)}` : '';
  return `${mark} ${paint('bold', summary.suite)} ${paint('dim', detail)}${error}`;
}
