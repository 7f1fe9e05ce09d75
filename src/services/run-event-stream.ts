/**
 * A run's events for one reader, without gap or duplicate: subscribe to the live channel first, then
 * read the persisted log after the reader's last seq, then deliver live messages deduplicated by seq.
 * A live message that skips a seq (the bus dropped one: Redis pub/sub is at most once) sends the
 * reader back to the log. A periodic catch-up from the log covers a bus that delivers nothing at all.
 * The stream ends after `run.finished`, or when the run is over and its log holds nothing more.
 */
import type { EventBus } from '../ports/event-bus.ts';
import type { RunEventLog } from '../ports/run-event-log.ts';
import type { RunStore } from '../ports/run-store.ts';
import { RUN_EVENT, type RunStreamEvent, runChannel, toStreamEvent } from './run-events.ts';

export interface RunEventStreamDeps {
  runEvents: RunEventLog;
  runs: Pick<RunStore, 'get'>;
  events: EventBus;
}

export interface RunEventStreamInput {
  organisationId: string;
  runId: string;
  /** The reader's Last-Event-ID: events with a greater seq are delivered. 0 for everything. */
  afterSeq: number;
  /** Aborted when the reader goes away. */
  signal: AbortSignal;
  /** Delivers one event; awaited, so a slow reader slows the stream rather than buffering without end. */
  send(event: RunStreamEvent): void | Promise<void>;
  /**
   * Called once the live channel is subscribed, before anything is read or sent. A subscription that
   * fails (Redis down) rejects before this, so the caller can still answer with an error status.
   */
  onSubscribed?(): void;
  /** How often the log is read even without live messages; default 15 s. */
  pollMs?: number;
}

const PAGE = 500;

/** Resolves when the stream is over: `finished` says whether the run's last event was delivered. */
export async function streamRunEvents(
  deps: RunEventStreamDeps,
  input: RunEventStreamInput,
): Promise<{ finished: boolean }> {
  const { organisationId, runId, signal } = input;
  let lastSeq = input.afterSeq;
  let finished = false;
  const buffer: RunStreamEvent[] = [];
  let wake: (() => void) | undefined;
  const nudge = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };

  const unsubscribe = await deps.events.subscribe(runChannel(runId), (message) => {
    buffer.push(message as RunStreamEvent);
    nudge();
  });
  const onAbort = () => nudge();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    input.onSubscribed?.();
  } catch (error) {
    signal.removeEventListener('abort', onAbort);
    await unsubscribe();
    throw error;
  }

  async function deliver(event: RunStreamEvent): Promise<void> {
    if (event.seq <= lastSeq || finished || signal.aborted) return;
    lastSeq = event.seq;
    await input.send(event);
    if (event.type === RUN_EVENT.finished) finished = true;
  }

  async function catchUp(): Promise<void> {
    while (!finished && !signal.aborted) {
      const page = await deps.runEvents.listAfter(organisationId, runId, lastSeq, PAGE);
      for (const record of page) await deliver(toStreamEvent(record));
      if (page.length < PAGE) return;
    }
  }

  try {
    await catchUp();
    const pollMs = input.pollMs ?? 15_000;
    while (!finished && !signal.aborted) {
      if (buffer.length === 0) {
        const timedOut = await waitFor(pollMs, (resolve) => {
          wake = resolve;
        });
        if (timedOut && !signal.aborted) {
          await catchUp();
          if (!finished && (await isOver(deps, organisationId, runId))) {
            // Over but never closed by a `run.finished` (its writer died): one last read, then end.
            await catchUp();
            return { finished };
          }
        }
        continue;
      }
      const message = buffer.shift() as RunStreamEvent;
      if (message.seq > lastSeq + 1) await catchUp();
      else await deliver(message);
    }
    return { finished };
  } finally {
    signal.removeEventListener('abort', onAbort);
    await unsubscribe();
  }
}

async function isOver(deps: RunEventStreamDeps, organisationId: string, runId: string): Promise<boolean> {
  const run = await deps.runs.get(organisationId, runId);
  return !run || (run.status !== 'queued' && run.status !== 'running');
}

/** Resolves true after `ms`, or false as soon as the registered waker is called. */
function waitFor(ms: number, register: (wake: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    register(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}
