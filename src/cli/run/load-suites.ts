/** Loads and validates every suite before anything runs: one bad file stops the whole run with exit 2. */
import type { Suite } from '../../core/suite/schema.ts';
import { runPool } from './pool.ts';

export interface LoadedSuite {
  /** The path as discovered (relative when given relative), for messages and reports. */
  path: string;
  suite: Suite;
}

export interface FileOutcome {
  path: string;
  suite: Suite | undefined;
  /** Formatted messages, every error of the file. */
  errors: string[];
}

export interface LoadOutcome {
  /** One entry per file, in the order given. */
  files: FileOutcome[];
  loaded: LoadedSuite[];
  /** Every error of every invalid file, in file order. */
  errors: string[];
  invalidFiles: number;
}

const LOAD_CONCURRENCY = 16;

export async function loadSuites(files: readonly string[]): Promise<LoadOutcome> {
  const { loadSuiteFile, formatSuiteError } = await import('../../core/suite/load.ts');
  const results = await runPool(files, LOAD_CONCURRENCY, async (file): Promise<FileOutcome> => {
    const result = await loadSuiteFile(file);
    return result.ok
      ? { path: file, suite: result.suite, errors: [] }
      : { path: file, suite: undefined, errors: result.errors.map(formatSuiteError) };
  });
  const outcome: LoadOutcome = { files: results, loaded: [], errors: [], invalidFiles: 0 };
  for (const r of results) {
    if (r.suite) outcome.loaded.push({ path: r.path, suite: r.suite });
    else {
      outcome.invalidFiles++;
      outcome.errors.push(...r.errors);
    }
  }
  return outcome;
}

/** Two suites with one name would be indistinguishable in reports; the later ones get their path appended. */
export function disambiguateNames(loaded: readonly LoadedSuite[]): LoadedSuite[] {
  const seen = new Set<string>();
  return loaded.map((entry) => {
    if (!seen.has(entry.suite.name)) {
      seen.add(entry.suite.name);
      return entry;
    }
    const name = `${entry.suite.name} (${entry.path})`;
    seen.add(name);
    return { path: entry.path, suite: { ...entry.suite, name } };
  });
}
