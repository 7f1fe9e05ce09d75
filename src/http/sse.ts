/**
 * Server-Sent Events on an Express response: the headers that keep proxies from buffering, one
 * `id:`/`event:`/`data:` block per event, a comment line as heartbeat (so idle proxies and load
 * balancers keep the connection), and one signal that fires when the client goes away or the server
 * shuts down, so the producer stops and unsubscribes.
 */
import type { Request, Response } from 'express';

export interface SseEvent {
  id?: string | number;
  event?: string;
  data: unknown;
}

export interface SseStream {
  /** Aborted when the client disconnects, the server shuts down, or `end` is called. */
  readonly signal: AbortSignal;
  /** Resolves once the event is handed to the socket (waits for drain when the client is slow). */
  send(event: SseEvent): Promise<void>;
  comment(text: string): void;
  end(): void;
}

export interface SseOptions {
  /** Comment lines at this interval; default 15 s. */
  heartbeatMs?: number;
  /** Reconnection delay suggested to EventSource clients; default 2 s. */
  retryMs?: number;
  /** Ends the stream when it fires (server shutdown). */
  closing?: AbortSignal;
}

export function openSse(_req: Request, res: Response, options: SseOptions = {}): SseStream {
  const controller = new AbortController();
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  // nginx buffers proxied responses unless told not to.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(`retry: ${options.retryMs ?? 2000}\n\n`);

  const heartbeat = setInterval(() => {
    if (!res.writableEnded) res.write(': heartbeat\n\n');
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  const finish = () => {
    clearInterval(heartbeat);
    controller.abort();
    options.closing?.removeEventListener('abort', end);
  };
  const end = () => {
    finish();
    if (!res.writableEnded) res.end();
  };
  // The response's `close` is the one that means "connection gone" (or response ended) on every Node
  // version; the request's may fire once its (empty) body has been read.
  res.on('close', finish);
  options.closing?.addEventListener('abort', end, { once: true });
  if (options.closing?.aborted) end();

  return {
    signal: controller.signal,
    async send(event) {
      if (res.writableEnded || controller.signal.aborted) return;
      let block = '';
      if (event.id !== undefined) block += `id: ${event.id}\n`;
      if (event.event !== undefined) block += `event: ${event.event}\n`;
      // JSON never holds a raw newline, so one data line carries the whole event.
      block += `data: ${JSON.stringify(event.data)}\n\n`;
      if (!res.write(block)) await waitDrain(res, controller.signal);
    },
    comment(text) {
      if (!res.writableEnded) res.write(`: ${text.replace(/\n/g, ' ')}\n\n`);
    },
    end,
  };
}

function waitDrain(res: Response, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The client's last seen event id: `Last-Event-ID` header (EventSource reconnects) or `?lastEventId=`. */
export function lastEventIdOf(req: Request, fromQuery: number | undefined): number {
  if (fromQuery !== undefined) return fromQuery;
  const header = req.get('last-event-id');
  if (header === undefined || !/^\d{1,9}$/.test(header.trim())) return 0;
  return Number(header.trim());
}
