/**
 * Newman's reporter flags for a collection run: `-r cli,json,junit` (comma lists, repeatable) with
 * `--reporter-json-export` / `--reporter-junit-export`. `cli` is Assay's pretty reporter on stdout; `json`
 * and `junit` write Newman's layouts to files — by default `newman/newman-run-report-<time>.json|xml`, as
 * Newman does, and inside the folder when the path given is one.
 */
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Collection } from '../../core/postman/collection/types.ts';
import type { CollectionReporter, CollectionReporterFactory } from '../../reporters/newman-reporter.ts';
import type { Reporter } from '../../reporters/reporter.ts';
import { type CommandInput, UsageError } from '../command.ts';
import { strings } from '../values.ts';

const NAMES = ['cli', 'json', 'junit'] as const;
type Name = (typeof NAMES)[number];
/** Other names Newman users may pass: Newman's own console reporters, and Assay's name for `cli`. */
const ALIASES: Record<string, Name> = { pretty: 'cli', progress: 'cli', emojitrain: 'cli' };

export interface ReporterPlan {
  cli: boolean;
  /** Resolved file paths. */
  json: string | undefined;
  junit: string | undefined;
}

export async function planCollectionReporters(values: CommandInput['values']): Promise<ReporterPlan> {
  if (values.out !== undefined) {
    throw new UsageError(
      '--out is for suites; with a collection use --reporter-json-export or --reporter-junit-export',
    );
  }
  const names = new Set<Name>();
  for (const list of [...strings(values.reporter), ...strings(values.reporters)]) {
    for (const raw of list.split(',')) {
      const name = raw.trim().toLowerCase();
      if (name === '') continue;
      const known = (NAMES as readonly string[]).includes(name) ? (name as Name) : ALIASES[name];
      if (known === undefined) {
        throw new UsageError(
          `unknown reporter '${raw.trim()}' for a collection run (one of: ${NAMES.join(', ')})`,
        );
      }
      names.add(known);
    }
  }
  if (names.size === 0) names.add('cli');
  const stamp = new Date().toISOString().replace(/\D+/g, '-');
  const target = async (name: 'json' | 'junit', flag: string, ext: string): Promise<string | undefined> => {
    const given = values[flag];
    if (!names.has(name)) {
      if (typeof given === 'string') names.add(name);
      else return undefined;
    }
    const fallback = `newman-run-report-${stamp}0.${ext}`;
    if (typeof given !== 'string') return path.resolve('newman', fallback);
    const info = await stat(given).catch(() => undefined);
    return info?.isDirectory() ? path.resolve(given, fallback) : path.resolve(given);
  };
  const json = await target('json', 'reporter-json-export', 'json');
  const junit = await target('junit', 'reporter-junit-export', 'xml');
  if (json !== undefined && json === junit)
    throw new UsageError('the JSON and JUnit reports would be the same file');
  return { cli: names.has('cli') && values.silent !== true, json, junit };
}

export interface OpenedReporters {
  pretty: Reporter | undefined;
  collection: CollectionReporter[];
  close(): Promise<void>;
}

/** Opens the report files before anything runs, so an unwritable path is a usage error, not a lost report. */
export async function openCollectionReporters(
  plan: ReporterPlan,
  collection: Collection,
  mask: <T>(value: T) => T,
): Promise<OpenedReporters> {
  const files: { out: Writable; done: Promise<void>; make: () => Promise<CollectionReporterFactory> }[] = [];
  const opened: { out: Writable; done: Promise<void> }[] = [];
  try {
    for (const [file, make] of [
      [plan.json, async () => (await import('../../reporters/newman-json.ts')).createNewmanJsonReporter],
      [plan.junit, async () => (await import('../../reporters/newman-junit.ts')).createNewmanJunitReporter],
    ] as const) {
      if (file === undefined) continue;
      const stream = await openFile(file);
      opened.push(stream);
      files.push({ ...stream, make });
    }
  } catch (error) {
    await Promise.all(opened.map(endStream));
    throw error;
  }
  const reporters: CollectionReporter[] = [];
  for (const file of files) reporters.push((await file.make())({ out: file.out, collection, mask }));
  let pretty: Reporter | undefined;
  if (plan.cli)
    pretty = (await import('../../reporters/pretty/pretty.ts')).createPrettyReporter({ out: process.stdout });
  return {
    pretty,
    collection: reporters,
    async close() {
      await pretty?.finish();
      await Promise.all(files.map(endStream));
    },
  };
}

async function openFile(file: string): Promise<{ out: Writable; done: Promise<void> }> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'w');
    const out = handle.createWriteStream();
    const done = new Promise<void>((resolve, reject) => {
      out.once('close', resolve);
      out.once('error', reject);
    });
    return { out, done };
  } catch (error) {
    throw new UsageError(
      `${file}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function endStream({ out, done }: { out: Writable; done: Promise<void> }): Promise<void> {
  out.end();
  return done;
}
