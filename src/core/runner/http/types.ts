/**
 * The engine's HTTP contract. One `HttpSession` per run: it owns the connection pool (keep-alive), the
 * cookie jar shared by the steps of the run, and the per-connection timing probes.
 */
import type { LookupFunction } from 'node:net';
import type { Timings } from '../model.ts';

export interface MultipartValuePart {
  name: string;
  value: string;
  contentType?: string;
}
export interface MultipartFilePart {
  name: string;
  /** Absolute path (the runner resolves it against the suite file's folder). */
  file: string;
  filename?: string;
  contentType?: string;
}
export type MultipartPart = MultipartValuePart | MultipartFilePart;

export type RequestBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; fields: Record<string, string | string[]> }
  | { kind: 'multipart'; parts: MultipartPart[] }
  | { kind: 'raw'; text: string };

export interface HttpRequest {
  method: string;
  /** Absolute http(s) URL, query already included. */
  url: string;
  /** Header names as written; the session adds `cookie`, `content-type` for the body, `user-agent`. */
  headers: Record<string, string>;
  body?: RequestBody;
  timeoutMs: number;
  followRedirects: boolean;
  maxRedirects: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Record<string, string | string[]>;
  /** Decoded (gzip/br/deflate/zstd) body, at most `maxBodyBytes`. */
  body: Buffer;
  size: number;
  /** Final URL, after redirects. */
  url: string;
  redirects: number;
  timings: Timings;
  /** What was actually sent on the last hop (cookies and content-type included). */
  sent: { method: string; url: string; headers: Record<string, string>; body?: string };
}

export type HttpErrorCode =
  | 'INVALID_URL'
  | 'ENOTFOUND'
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'TIMEOUT'
  | 'TLS'
  | 'TOO_MANY_REDIRECTS'
  | 'BODY_TOO_LARGE'
  | 'ABORTED'
  | 'EGRESS_DENIED'
  | 'FILE_NOT_FOUND'
  /** An OAuth2 token endpoint refused the client or answered without a token. */
  | 'AUTH'
  | 'NETWORK';

/** A request that produced no response. The runner turns it into an `errored` step; it never escapes a run. */
export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly timings: Partial<Timings> | undefined;
  constructor(
    code: HttpErrorCode,
    message: string,
    options?: { cause?: unknown; timings?: Partial<Timings> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.code = code;
    this.timings = options?.timings;
  }
}

/**
 * Decides whether a resolved address may be connected to; throws `HttpError('EGRESS_DENIED')` otherwise.
 * Called for every connection, IP literals and every redirect hop included (the SSRF guard plugs in here).
 */
export type EgressCheck = (address: string, family: 4 | 6, hostname: string) => void;

export interface HttpSessionOptions {
  /** Accept invalid TLS certificates. */
  insecure?: boolean;
  /** Upper bound of a decoded response body kept in memory; beyond it the request errors. Default 10 MiB. */
  maxBodyBytes?: number;
  /** DNS resolver (tests map names to loopback addresses with it). Default: `dns.lookup`. */
  lookup?: LookupFunction;
  egressCheck?: EgressCheck;
  userAgent?: string;
}

export interface HttpSession {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Value of a cookie the jar would send to `url`. */
  cookie(name: string, url: string): string | undefined;
  close(): Promise<void>;
}
