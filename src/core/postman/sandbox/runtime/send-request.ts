/**
 * `pm.sendRequest(request, callback?)`: the script's only way out, through the host's bridge. The request
 * crosses as JSON; the response comes back through `respond`. Callback and promise forms both count as
 * pending work until the response has been delivered.
 */
import { HOST_SEND } from '../protocol.ts';
import type { PmError, PmRequestData, PmResponseData } from '../types.ts';
import { isRequestObject } from './brands.ts';
import { toHost } from './host.ts';
import { createBody, createRequest, headerItems, type RequestModel } from './request.ts';
import { createResponse, type ResponseModel } from './response.ts';
import { isCurrent, recordScriptError, settleAsync, trackAsync } from './state.ts';
import { isUrlModel } from './url.ts';

interface InFlight {
  token: number;
  resolve(response: ResponseModel): void;
  reject(error: Error): void;
}

const inFlight = new Map<number, InFlight>();
let nextId = 1;

function urlText(url: unknown): string {
  if (typeof url === 'string') return url;
  if (isUrlModel(url)) return url.toString();
  if (url !== null && typeof url === 'object' && typeof (url as { raw?: unknown }).raw === 'string') {
    return (url as { raw: string }).raw;
  }
  return url === undefined || url === null ? '' : String(url);
}

/** Accepts what Postman accepts: a URL string, a `pm.request`-like object or a request definition. */
export function toRequestData(input: unknown): PmRequestData {
  if (typeof input === 'string') return { url: input, method: 'GET', headers: [], body: null };
  if (isRequestObject(input)) return (input as RequestModel).toJSON();
  if (input === null || typeof input !== 'object') throw new Error('sendrequest: nothing to request');
  const source = input as Record<string, unknown>;
  const body =
    typeof source.body === 'string' ? createBody({ mode: 'raw', raw: source.body }) : createBody(source.body);
  const request = createRequest({
    url: urlText(source.url),
    method: typeof source.method === 'string' ? source.method : 'GET',
    headers: headerItems(source.header ?? source.headers),
  });
  request.body = body;
  return request.toJSON();
}

function toError(error: PmError): Error {
  const failure = new Error(error.message);
  failure.name = error.name;
  return failure;
}

export function createSendRequest(pm: object) {
  return function sendRequest(request: unknown, callback?: unknown): unknown {
    const promise = new Promise<ResponseModel>((resolve, reject) => {
      let data: PmRequestData;
      try {
        data = toRequestData(request);
      } catch (error) {
        reject(error);
        return;
      }
      const id = nextId++;
      inFlight.set(id, { token: trackAsync(), resolve, reject });
      toHost(HOST_SEND, id, JSON.stringify(data));
    });
    if (typeof callback !== 'function') return promise;
    const token = trackAsync();
    const invoke = (...args: unknown[]) => {
      if (!isCurrent(token)) return;
      try {
        callback.apply(pm, args);
      } catch (error) {
        recordScriptError(error, true);
      }
      settleAsync(token);
    };
    promise.then(
      (response) => invoke(null, response, { cookies: response.cookies }),
      (error: unknown) => invoke(error),
    );
    return pm;
  };
}

export function respond(id: number, errorJson: string, responseJson: string, body: string): void {
  const request = inFlight.get(id);
  if (!request) return;
  inFlight.delete(id);
  if (!isCurrent(request.token)) return;
  if (errorJson) request.reject(toError(JSON.parse(errorJson) as PmError));
  else request.resolve(createResponse(JSON.parse(responseJson) as Omit<PmResponseData, 'body'>, body));
  settleAsync(request.token);
}

export function dropRequests(): void {
  inFlight.clear();
}
