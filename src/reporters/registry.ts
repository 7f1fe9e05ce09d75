/** Reporters by name, each imported on demand: a run that prints pretty output never loads the XML writer. */
import type { ReporterFactory } from './reporter.ts';

export const REPORTER_NAMES = ['pretty', 'json', 'junit'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

export async function loadReporter(name: ReporterName): Promise<ReporterFactory> {
  switch (name) {
    case 'pretty':
      return (await import('./pretty/pretty.ts')).createPrettyReporter;
    case 'json':
      return (await import('./json.ts')).createJsonReporter;
    case 'junit':
      return (await import('./junit.ts')).createJunitReporter;
  }
}
