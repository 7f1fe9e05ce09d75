/**
 * One request/response exchange on the wire (one redirect hop), through undici's dispatch API: the
 * lightest path undici offers, with the body streamed straight into the decoding sink.
 */
import type { Agent, Dispatcher } from 'undici';
import type { ConnectionProbe } from './connector.ts';
import { type BodySink, createBodySink, decodingsOf } from './decode.ts';
import type { HttpError } from './types.ts';

export interface HopRequest {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

export interface HopResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Request handed to the connection → response headers. */
  firstByte: number;
  /** Response headers → end of the decoded body. */
  download: number;
}

export interface Hop {
  promise: Promise<HopResponse>;
  /** Ends the exchange with this error, wherever it is (connecting, waiting, reading). */
  abort(error: Error): void;
}

export interface HopOptions {
  maxBodyBytes: number;
  /** The body of a response that will be followed as a redirect is drained, not kept. */
  discardBody(status: number, headers: Record<string, string | string[]>): boolean;
}

export function startHop(
  agent: Agent,
  request: HopRequest,
  probe: ConnectionProbe,
  options: HopOptions,
): Hop {
  let resolve!: (response: HopResponse) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<HopResponse>((res, rej) => {
    resolve = res;
    reject = rej;
  });

  let settled = false;
  let controller: Dispatcher.DispatchController | undefined;
  let sink: BodySink | undefined;
  let sentAt = 0;
  let headersAt = 0;
  let status = 0;
  let statusText = '';
  let headers: Record<string, string | string[]> = {};
  let discard = false;

  const fail = (error: Error): void => {
    if (settled) return;
    settled = true;
    sink?.destroy();
    reject(error);
    if (controller) controller.abort(error);
    else probe.cancel?.(error);
  };

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(ctrl) {
      controller = ctrl;
      if (settled) ctrl.abort(new Error('aborted'));
      else sentAt = performance.now();
    },
    onResponseStart(ctrl, statusCode, responseHeaders, statusMessage) {
      headersAt = performance.now();
      status = statusCode;
      statusText = statusMessage ?? '';
      headers = responseHeaders as Record<string, string | string[]>;
      discard = options.discardBody(statusCode, headers);
      if (discard) return;
      sink = createBodySink(decodingsOf(headers['content-encoding']), options.maxBodyBytes, {
        done: (body) => {
          if (settled) return;
          settled = true;
          const endAt = performance.now();
          resolve({
            status,
            statusText,
            headers,
            body,
            firstByte: headersAt - sentAt,
            download: endAt - headersAt,
          });
        },
        fail: (error: HttpError) => fail(error),
        drain: () => ctrl.resume(),
      });
    },
    onResponseData(ctrl, chunk) {
      if (sink && !sink.write(chunk)) ctrl.pause();
    },
    onResponseEnd() {
      if (sink) sink.end();
      else if (!settled) {
        settled = true;
        const endAt = performance.now();
        resolve({
          status,
          statusText,
          headers,
          body: EMPTY,
          firstByte: headersAt - sentAt,
          download: endAt - headersAt,
        });
      }
    },
    onResponseError(_ctrl, error) {
      fail(error);
    },
  };

  try {
    agent.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body ?? null,
        // The session's own timer bounds the whole exchange.
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      handler,
    );
  } catch (error) {
    // undici validates the request synchronously (header values, method).
    fail(error as Error);
  }
  return { promise, abort: fail };
}

const EMPTY = Buffer.alloc(0);
