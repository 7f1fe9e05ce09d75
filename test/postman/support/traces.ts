/**
 * The differential harness: runs one corpus collection with Newman (the pinned devDependency, through
 * its library API, in-process) and with Assay, each against its own fresh echo server, and reduces both
 * runs to the same trace — per request execution the response code, per test its name and outcome —
 * plus the counters of Newman's `run.stats` that both compute the same way.
 */

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIterationData } from '../../../src/core/postman/collection/iteration-data.ts';
import { loadCollectionFile, loadVariableFile } from '../../../src/core/postman/collection/load.ts';
import { runCollection } from '../../../src/core/postman/run/run-collection.ts';
import type { CollectionStats } from '../../../src/core/postman/run/types.ts';
import { startEchoServer } from './echo-server.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../../fixtures/postman/', import.meta.url));

export interface CorpusEntry {
  /** Collection file, relative to the corpus folder. */
  collection: string;
  environment?: string;
  globals?: string;
  iterationData?: string;
  iterationCount?: number;
  folders?: string[];
  envVars?: Record<string, string>;
  timeoutRequestMs?: number;
  bail?: boolean;
}

export type Outcome = 'pass' | 'fail' | 'skip';

export interface TraceExecution {
  iteration: number;
  item: string;
  /** The response code, or `error` when the request failed. */
  code: number | 'error';
  tests: [name: string, outcome: Outcome][];
}

export interface Trace {
  executions: TraceExecution[];
  stats: Partial<CollectionStats>;
}

/** The counters compared; `requests` is left out because Newman also counts `pm.sendRequest` calls. */
const COMPARED_STATS = ['iterations', 'items', 'prerequests', 'tests', 'assertions'] as const;

function pickStats(stats: CollectionStats): Partial<CollectionStats> {
  const out: Partial<CollectionStats> = {};
  for (const key of COMPARED_STATS) out[key] = stats[key];
  return out;
}

const corpusPath = (file: string): string => path.join(CORPUS_DIR, file);

interface NewmanCursor {
  iteration: number;
  ref: string;
  scriptId?: string;
  eventId?: string;
}
interface NewmanRequestEvent {
  cursor: NewmanCursor;
  item: { name: string };
  response?: { code: number };
}
interface NewmanAssertionEvent {
  cursor: NewmanCursor;
  assertion: string;
  skipped?: boolean;
}
interface NewmanSummary {
  run: { stats: CollectionStats };
}
interface NewmanEmitter {
  on(event: string, listener: (error: unknown, o: never) => void): NewmanEmitter;
}
type NewmanRun = (
  options: Record<string, unknown>,
  done: (error: Error | null, summary: NewmanSummary) => void,
) => NewmanEmitter;

const require = createRequire(import.meta.url);

export async function newmanTrace(entry: CorpusEntry): Promise<Trace> {
  const newman = require('newman') as { run: NewmanRun };
  const server = await startEchoServer();
  try {
    const document = JSON.parse(await readFile(corpusPath(entry.collection), 'utf8')) as {
      collection?: unknown;
    };
    const options: Record<string, unknown> = {
      // Newman finds no items in a wrapped export (`{ "collection": … }`), so it is given the inner one.
      collection: document.collection ?? document,
      reporters: [],
      workingDir: CORPUS_DIR,
      envVar: Object.entries({ baseUrl: server.url, ...entry.envVars }).map(([key, value]) => ({
        key,
        value,
      })),
    };
    if (entry.environment) options.environment = corpusPath(entry.environment);
    if (entry.globals) options.globals = corpusPath(entry.globals);
    if (entry.iterationData) options.iterationData = corpusPath(entry.iterationData);
    if (entry.iterationCount) options.iterationCount = entry.iterationCount;
    if (entry.folders) options.folder = entry.folders;
    if (entry.timeoutRequestMs) options.timeoutRequest = entry.timeoutRequestMs;
    if (entry.bail) options.bail = true;
    // Traced from events rather than from summary.run.executions: Newman records a pm.sendRequest exchange
    // into the execution of the item that made it, overwriting the item's own response.
    const byRef = new Map<string, TraceExecution>();
    const executions: TraceExecution[] = [];
    const summary = await new Promise<NewmanSummary>((resolve, reject) => {
      const emitter = newman.run(options, (error, result) => (error ? reject(error) : resolve(result)));
      const requested = new Set<string>();
      emitter.on('request', (_error: unknown, o: NewmanRequestEvent) => {
        if (o.cursor.scriptId !== undefined || o.cursor.eventId !== undefined) return;
        const known = byRef.get(o.cursor.ref);
        if (known && requested.has(o.cursor.ref)) {
          // Digest auth: the challenge and the signed replay are both reported; the replay is the response.
          known.code = o.response?.code ?? 'error';
          return;
        }
        requested.add(o.cursor.ref);
        const execution: TraceExecution = {
          iteration: o.cursor.iteration,
          item: o.item.name,
          code: o.response?.code ?? 'error',
          tests: byRef.get(o.cursor.ref)?.tests ?? [],
        };
        byRef.set(o.cursor.ref, execution);
        executions.push(execution);
      });
      emitter.on('assertion', (error: unknown, o: NewmanAssertionEvent) => {
        let execution = byRef.get(o.cursor.ref);
        if (!execution) {
          // A pm.test in a pre-request script comes before the request.
          execution = { iteration: o.cursor.iteration, item: '', code: 'error', tests: [] };
          byRef.set(o.cursor.ref, execution);
        }
        execution.tests.push([o.assertion, o.skipped ? 'skip' : error ? 'fail' : 'pass']);
      });
    });
    return {
      executions,
      stats: pickStats(summary.run.stats),
    };
  } finally {
    await server.close();
  }
}

export async function assayTrace(entry: CorpusEntry): Promise<Trace> {
  const server = await startEchoServer();
  try {
    const loaded = await loadCollectionFile(corpusPath(entry.collection));
    if (!loaded.ok)
      throw new Error(
        `corpus collection ${entry.collection} does not load: ${JSON.stringify(loaded.errors)}`,
      );
    const executions: TraceExecution[] = [];
    const result = await runCollection({
      collection: loaded.collection,
      workingDir: CORPUS_DIR,
      envVars: { baseUrl: server.url, ...entry.envVars },
      ...(entry.environment
        ? { environment: await loadVariableFile(corpusPath(entry.environment), 'environment') }
        : {}),
      ...(entry.globals ? { globals: await loadVariableFile(corpusPath(entry.globals), 'globals') } : {}),
      ...(entry.iterationData
        ? { iterationData: await loadIterationData(corpusPath(entry.iterationData)) }
        : {}),
      ...(entry.iterationCount ? { iterationCount: entry.iterationCount } : {}),
      ...(entry.folders ? { folders: entry.folders } : {}),
      ...(entry.timeoutRequestMs ? { timeoutRequestMs: entry.timeoutRequestMs } : {}),
      bail: entry.bail === true,
      onExecution: (e) => {
        // Newman records an execution only for a request that was sent (or failed to be).
        if (e.response === undefined && e.requestError === undefined) return;
        executions.push({
          iteration: e.cursor.iteration,
          item: e.item.name,
          code: e.response?.code ?? 'error',
          tests: e.tests.map((t) => [t.name, t.skipped ? 'skip' : t.passed ? 'pass' : 'fail']),
        });
      },
    });
    return { executions, stats: pickStats(result.stats) };
  } finally {
    await server.close();
  }
}
