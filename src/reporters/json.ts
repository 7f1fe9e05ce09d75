/**
 * The result model as one JSON document, streamed: the opening is written at once, each step result when
 * it finishes, the suite summaries and the closing at the end. Memory stays flat however long the run;
 * the document is valid JSON only once `finish` has run. Model: docs/reporters.md.
 */
import type { RunEvent, RunSummary } from '../core/runner/model.ts';
import { flushed, overallStatus, type Reporter, type ReporterOptions } from './reporter.ts';

export const JSON_REPORT_VERSION = 1;

export function createJsonReporter({ out }: ReporterOptions): Reporter {
  const started = performance.now();
  const summaries: RunSummary[] = [];
  let steps = 0;
  // Key order is fixed by what is known when: summaries and status come last.
  out.write(
    `{"version":${JSON_REPORT_VERSION},"startedAt":${JSON.stringify(new Date().toISOString())},"steps":[`,
  );
  return {
    onEvent(event: RunEvent) {
      if (event.type === 'step.finished') {
        out.write(`${steps === 0 ? '\n' : ',\n'}${JSON.stringify(event.result)}`);
        steps++;
      } else if (event.type === 'run.finished') {
        summaries.push(event.summary);
      }
    },
    async finish() {
      const durationMs = Math.round(performance.now() - started);
      const tail = [
        `"summaries":${JSON.stringify(summaries)}`,
        `"status":${JSON.stringify(overallStatus(summaries))}`,
        `"durationMs":${durationMs}`,
      ];
      out.write(`${steps === 0 ? '' : '\n'}],${tail.join(',')}}\n`);
      await flushed(out);
    },
  };
}
