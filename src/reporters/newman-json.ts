/**
 * Newman's JSON report (`-r json --reporter-json-export <path>`): `{ collection, environment, globals,
 * run: { stats, timings, executions, transfers, failures, error } }`, the summary Newman's json reporter
 * writes. Unlike Newman, which holds every execution until the end (and runs out of memory on long runs),
 * executions are written to the stream as they come, and failures are spooled to a temporary file and
 * copied in at the end. Bodies are bounded excerpts. Key order differs from Newman's; JSON readers do not
 * care.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { ItemExecution } from '../core/postman/run/types.ts';
import type { PmKeyValue, VariableMap } from '../core/postman/sandbox/index.ts';
import {
  type CollectionReporter,
  type CollectionReporterOptions,
  newmanAssertions,
  newmanFailures,
  scriptErrorOf,
} from './newman-reporter.ts';
import { flushed } from './reporter.ts';

export function createNewmanJsonReporter(options: CollectionReporterOptions): CollectionReporter {
  const { out, collection } = options;
  const mask = options.mask ?? (<T>(value: T): T => value);
  let executions = 0;
  let failures = 0;
  let spool: Spool | undefined;

  out.write(`{"collection":${JSON.stringify(mask(collection.document))},"run":{"executions":[`);

  return {
    onExecution(execution) {
      const assertions = newmanAssertions(execution);
      for (const failure of newmanFailures(execution, assertions)) {
        spool ??= createSpool();
        spool.write(`${failures++ === 0 ? '' : ','}${JSON.stringify(mask(failure))}`);
      }
      // Newman records an execution only for a request that was sent (or failed to be): not for one skipped
      // by its pre-request script, nor for one stopped by --bail before it was sent.
      if (execution.response === undefined && execution.requestError === undefined) return;
      out.write(
        `${executions++ === 0 ? '' : ','}${JSON.stringify(mask(newmanExecution(execution, assertions)))}`,
      );
    },
    async finish(result) {
      const { stats, timings, transfers } = result;
      out.write(`],"stats":${JSON.stringify(stats)},"timings":${JSON.stringify(timings)}`);
      out.write(`,"transfers":${JSON.stringify(transfers)},"failures":[`);
      if (spool) await spool.copyTo(out);
      const error = result.summary.error
        ? { name: result.summary.error.code, message: result.summary.error.message }
        : null;
      out.write(`],"error":${JSON.stringify(error)}}`);
      out.write(`,"environment":${JSON.stringify(mask(scope(result.environment)))}`);
      out.write(`,"globals":${JSON.stringify(mask(scope(result.globals)))}}\n`);
      await flushed(out);
    },
  };
}

interface Spool {
  write(text: string): void;
  /** Copies what was written to `out`, then removes the file. */
  copyTo(out: Writable): Promise<void>;
}

/** A temporary file for text that belongs later in the output than it arrives. */
function createSpool(): Spool {
  let failure: Error | undefined;
  const ready = mkdtemp(path.join(tmpdir(), 'assay-newman-')).then((dir) => {
    const file = path.join(dir, 'spool.json');
    const stream = createWriteStream(file);
    stream.on('error', (error) => {
      failure ??= error;
    });
    return { dir, file, stream };
  });
  let queue: Promise<unknown> = ready;
  return {
    write(text) {
      queue = queue.then(() => ready.then(({ stream }) => stream.write(text)));
    },
    async copyTo(out) {
      await queue;
      const { dir, file, stream } = await ready;
      try {
        await new Promise<void>((resolve) => stream.end(resolve));
        if (failure) throw failure;
        for await (const chunk of createReadStream(file)) {
          if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

function scope(values: VariableMap): { values: { key: string; value: unknown; type: string }[] } {
  return {
    values: Object.entries(values).map(([key, value]) => ({
      key,
      value,
      type:
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? typeof value
          : 'any',
    })),
  };
}

function newmanExecution(
  e: ItemExecution,
  assertions: ReturnType<typeof newmanAssertions>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    cursor: {
      ...e.cursor,
      empty: false,
      eof: false,
      bof: e.cursor.position === 0 && e.cursor.iteration === 0,
      cr: false,
    },
    item: { id: e.item.id, name: e.item.name },
  };
  if (e.request) {
    const request: Record<string, unknown> = {
      url: urlObject(e.request.url),
      header: e.request.headers,
      method: e.request.method,
    };
    if (e.request.body) request.body = { mode: 'raw', raw: e.request.body.text };
    out.request = request;
  }
  if (e.response) {
    out.response = {
      id: e.cursor.ref,
      status: e.response.status,
      code: e.response.code,
      header: e.response.headers,
      stream: { type: 'Buffer', data: [...Buffer.from(e.response.body.text, 'utf8')] },
      cookie: [],
      responseTime: e.response.responseTime,
      responseSize: e.response.responseSize,
    };
  }
  out.id = e.item.id;
  if (assertions.length > 0) out.assertions = assertions;
  if (e.prerequest.errors.length > 0)
    out.prerequestScript = e.prerequest.errors.map((error) => ({ error: scriptErrorOf(error) }));
  if (e.test && e.test.errors.length > 0)
    out.testScript = e.test.errors.map((error) => ({ error: scriptErrorOf(error) }));
  if (e.requestError) {
    out.requestError = { name: 'Error', code: e.requestError.code, message: e.requestError.message };
  }
  return out;
}

/** postman-collection's url object: `{ protocol, host: [...], port, path: [...], query: [...] }`. */
function urlObject(text: string): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { raw: text };
  }
  const query: PmKeyValue[] = [];
  for (const [key, value] of url.searchParams) query.push({ key, value });
  const out: Record<string, unknown> = {
    raw: text,
    protocol: url.protocol.replace(/:$/, ''),
    host: url.hostname.split('.'),
    path: url.pathname.split('/').slice(1),
    query,
    variable: [],
  };
  if (url.port) out.port = url.port;
  return out;
}
