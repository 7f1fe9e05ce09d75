/**
 * The evidence of a failed or errored step as plain text lines, shared by the pretty failure report and
 * the JUnit `<failure>` body so both say the same thing.
 */
import type { AssertionResult, BodyExcerpt, StepResult } from '../core/runner/model.ts';

const BODY_LINES = 8;
const LINE_CHARS = 160;
const VALUE_CHARS = 200;

/** A segment style hook: the pretty reporter colours, everyone else passes text through. */
export type Paint = (kind: 'bad' | 'good' | 'dim' | 'bold', text: string) => string;
const plain: Paint = (_kind, text) => text;

/** `Users API › fetch it back [iteration 2]`; the iteration only when the suite has several. */
export function stepTitle(result: StepResult, iterations: number): string {
  return `${result.suite} › ${result.step}${iterationSuffix(result.iteration, iterations)}`;
}

export function iterationSuffix(iteration: number, iterations: number): string {
  return iterations > 1 ? ` [iteration ${iteration + 1}]` : '';
}

/** One line that says why a step did not pass. */
export function headline(result: StepResult): string {
  if (result.error) return printable(`${result.error.code}: ${firstLine(result.error.message)}`);
  const failed = result.assertions.filter((a) => !a.passed);
  const first = failed[0];
  if (!first) return result.status;
  const message = printable(firstLine(first.message));
  return failed.length > 1 ? `${message} (+${failed.length - 1} more)` : message;
}

export function evidenceLines(result: StepResult, paint: Paint = plain): string[] {
  const lines: string[] = [];
  lines.push(paint('dim', `attempts: ${result.attempts} · ${formatDuration(result.durationMs)}`));
  if (result.request) lines.push(`${paint('bold', result.request.method)} ${printable(result.request.url)}`);
  if (result.response) {
    const r = result.response;
    const redirects = r.redirects > 0 ? ` after ${r.redirects} redirect(s)` : '';
    lines.push(
      `→ ${r.status} ${r.statusText}`.trimEnd() + paint('dim', `${redirects} · ${formatBytes(r.size)}`),
    );
  }
  for (const assertion of result.assertions) {
    if (!assertion.passed) lines.push(...assertionLines(assertion, paint));
  }
  if (result.error) {
    lines.push(paint('bad', printable(`error ${result.error.code}: ${result.error.message}`)));
  }
  if (result.response && result.response.body.text.length > 0) {
    lines.push(paint('dim', result.response.body.truncated ? 'body (truncated):' : 'body:'));
    lines.push(...bodyLines(result.response.body).map((l) => `  ${l}`));
  }
  return lines;
}

function assertionLines(a: AssertionResult, paint: Paint): string[] {
  return [
    paint('bad', `✗ ${printable(a.message)}`),
    `    expected: ${paint('good', formatValue(a.expected))}`,
    `    actual:   ${paint('bad', formatValue(a.actual))}`,
  ];
}

/** A few lines of the body; JSON too long for one line is re-indented so the excerpt is readable. */
export function bodyLines(body: BodyExcerpt): string[] {
  let text = body.text;
  if (!body.truncated && text.length > LINE_CHARS) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: shown as is
    }
  }
  const all = text.split(/\r?\n/);
  const shown = all.slice(0, BODY_LINES).map((l) => clip(printable(l), LINE_CHARS));
  if (all.length > BODY_LINES || body.truncated) shown.push('…');
  return shown;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(printable(text), VALUE_CHARS);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// C0 and C1 controls except tab and newline: an API's body could otherwise move the cursor or recolour
// a terminal, and XML cannot carry most of them.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Text from the API made safe to print: control characters become visible `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
