/**
 * `createHttpSession`: the engine's HTTP client for one run. One undici Agent (keep-alive pool) with the
 * session's own connector, one cookie jar, redirects followed by hand so that cookies, the egress
 * check and credential stripping apply on every hop.
 */
import { CookieJar } from 'tough-cookie';
import { Agent, Client } from 'undici';
import type { Timings } from '../model.ts';
import { encodeBody } from './body.ts';
import { type ConnectionProbe, createConnector } from './connector.ts';
import { parseTargetUrl, toHttpError } from './errors.ts';
import { type Hop, type HopOptions, startHop } from './exchange.ts';
import { baseHeaders, withCookies } from './headers.ts';
import { type HopState, isRedirect, nextHop } from './redirect.ts';
import {
  HttpError,
  type HttpRequest,
  type HttpResponse,
  type HttpSession,
  type HttpSessionOptions,
} from './types.ts';

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_USER_AGENT = 'assay/0.1';

export function createHttpSession(options: HttpSessionOptions = {}): HttpSession {
  const probe: ConnectionProbe = { dns: 0, connect: 0, tls: 0, cancel: undefined };
  // One Client (one connection) per origin instead of a Pool: requests are sequential, and a Pool opens a
  // second connection when the next request comes before the first connection has signalled it is free.
  const agent = new Agent({
    factory: (origin, clientOptions) => new Client(origin, clientOptions),
    connect: createConnector({
      lookup: options.lookup,
      egressCheck: options.egressCheck,
      insecure: options.insecure ?? false,
      probe,
    }),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const jar = new CookieJar();
  // Most runs never see a cookie: skip the jar entirely until one arrives.
  let jarUsed = false;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;

  const storeCookies = (setCookie: string | string[] | undefined, url: URL): void => {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      if (jar.setCookieSync(line, url.href, { ignoreError: true })) jarUsed = true;
    }
  };

  async function send(request: HttpRequest): Promise<HttpResponse> {
    const startedAt = performance.now();
    const timings: Timings = { dns: 0, connect: 0, tls: 0, firstByte: 0, download: 0, total: 0 };
    let state: HopState | undefined;
    let failure: HttpError | undefined;
    let hop: Hop | undefined;
    const stop = (error: HttpError): void => {
      failure ??= error;
      hop?.abort(failure);
    };
    const { signal, timeoutMs } = request;
    const timer =
      timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => stop(new HttpError('TIMEOUT', `no response within ${timeoutMs} ms`)), timeoutMs)
        : undefined;
    const onAbort = (): void => stop(abortedError(signal));
    if (signal) {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    const follow = request.followRedirects;
    const hopOptions: HopOptions = {
      maxBodyBytes,
      discardBody: follow ? isRedirect : neverDiscard,
    };

    try {
      const url = parseTargetUrl(request.url);
      const encoded = request.body === undefined ? undefined : await encodeBody(request.body);
      state = {
        url,
        method: request.method,
        headers: baseHeaders(request.headers, encoded?.contentType, userAgent),
        payload: encoded?.payload,
        bodyText: encoded?.text,
      };
      for (let redirects = 0; ; redirects++) {
        if (failure) throw failure;
        const current: HopState = state;
        const headers = jarUsed
          ? withCookies(current.headers, jar.getCookieStringSync(current.url.href))
          : current.headers;
        probe.dns = 0;
        probe.connect = 0;
        probe.tls = 0;
        hop = startHop(
          agent,
          {
            origin: current.url.origin,
            path: current.url.pathname + current.url.search,
            method: current.method,
            headers,
            body: current.payload,
          },
          probe,
          hopOptions,
        );
        const response = await hop.promise.finally(() => {
          // Attributed to this request even when it fails, so an error still shows DNS/connect time.
          timings.dns += probe.dns;
          timings.connect += probe.connect;
          timings.tls += probe.tls;
        });
        hop = undefined;
        timings.firstByte += response.firstByte;
        timings.download += response.download;
        storeCookies(response.headers['set-cookie'], current.url);

        if (!follow || !isRedirect(response.status, response.headers)) {
          timings.total = performance.now() - startedAt;
          return {
            status: response.status,
            statusText: response.statusText,
            httpVersion: '1.1',
            headers: response.headers,
            body: response.body,
            size: response.body.length,
            url: current.url.href,
            redirects,
            timings,
            sent: {
              method: current.method,
              url: current.url.href,
              headers,
              body: current.payload === undefined ? undefined : current.bodyText,
            },
          };
        }
        state = nextHop(
          current,
          response.status,
          response.headers.location ?? '',
          redirects,
          request.maxRedirects,
        );
      }
    } catch (error) {
      timings.total = performance.now() - startedAt;
      const mapped = toHttpError(failure ?? error, state?.url ?? safeUrl(request.url));
      throw new HttpError(mapped.code, mapped.message, { cause: mapped.cause ?? mapped, timings });
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    send,
    cookie(name, url) {
      if (!jarUsed) return undefined;
      try {
        return jar.getCookiesSync(url).find((cookie) => cookie.key === name)?.value;
      } catch {
        return undefined;
      }
    },
    async close() {
      await agent.destroy();
    },
  };
}

function neverDiscard(): boolean {
  return false;
}

function abortedError(signal: AbortSignal | undefined): HttpError {
  const reason: unknown = signal?.reason;
  const detail = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new HttpError('ABORTED', `the request was aborted${detail}`, { cause: reason });
}

function safeUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    return new URL('http://invalid.invalid/');
  }
}
