/** `pm.request`: Postman's Request object, readable in every script and changeable in pre-request scripts. */
import type { PmFormDataParam, PmKeyValue, PmRequestBody, PmRequestData } from '../types.ts';
import { requestObjects } from './brands.ts';
import { assertionsFor } from './chai-postman.ts';
import {
  createList,
  HEADER_LIST,
  keyValueItemProto,
  keyValues,
  type ListKind,
  type PropertyItem,
  type PropertyList,
  QUERY_LIST,
} from './property-list.ts';
import { createUrl, isUrlModel, type UrlModel } from './url.ts';

export interface BodyModel {
  mode: string;
  raw?: string;
  urlencoded?: PropertyList;
  formdata?: PropertyList;
  file?: { src?: string | null; content?: string };
  graphql?: { query?: string; variables?: string };
  options?: Record<string, unknown>;
  disabled?: boolean;
  toString(): string;
  isEmpty(): boolean;
  update(options: unknown): void;
  toJSON(): PmRequestBody;
}

export interface RequestModel {
  url: UrlModel;
  method: string;
  headers: PropertyList;
  body: BodyModel | undefined;
  addHeader(header: unknown): void;
  removeHeader(header: unknown): void;
  upsertHeader(header: unknown): void;
  getHeaders(options?: {
    ignoreCase?: boolean;
    enabled?: boolean;
    multiValue?: boolean;
  }): Record<string, unknown>;
  forEachHeader(fn: (header: PropertyItem, request: RequestModel) => void): void;
  toJSON(): PmRequestData;
  readonly to: unknown;
}

const FORM_LIST: ListKind = { ...QUERY_LIST, itemProto: keyValueItemProto };

const bodyProto: ThisType<BodyModel> & Pick<BodyModel, 'toString' | 'isEmpty' | 'update' | 'toJSON'> = {
  toString() {
    if (this.disabled) return '';
    switch (this.mode) {
      case 'raw':
        return this.raw ?? '';
      case 'urlencoded':
        return this.urlencoded ? String(this.urlencoded) : '';
      case 'graphql':
        return JSON.stringify(this.graphql ?? {});
      case 'file':
        return this.file?.content ?? '';
      default:
        return '';
    }
  },
  isEmpty() {
    if (this.disabled) return true;
    switch (this.mode) {
      case 'raw':
        return !this.raw;
      case 'urlencoded':
        return !this.urlencoded?.count();
      case 'formdata':
        return !this.formdata?.count();
      case 'file':
        return !this.file?.src && !this.file?.content;
      case 'graphql':
        return !this.graphql?.query;
      default:
        return true;
    }
  },
  update(options) {
    fillBody(this, typeof options === 'string' ? { mode: 'raw', raw: options } : options);
  },
  toJSON() {
    const out: PmRequestBody = { mode: this.mode as PmRequestBody['mode'] };
    if (this.raw !== undefined) out.raw = String(this.raw);
    if (this.urlencoded) out.urlencoded = keyValues(this.urlencoded);
    if (this.formdata) out.formdata = this.formdata.toJSON() as unknown as PmFormDataParam[];
    if (this.file) out.file = this.file;
    if (this.graphql) out.graphql = this.graphql;
    if (this.options) out.options = this.options;
    if (this.disabled) out.disabled = true;
    return out;
  },
};

function fillBody(body: BodyModel, source: unknown): void {
  if (source === null || typeof source !== 'object') return;
  const input = source as Record<string, unknown>;
  body.mode = typeof input.mode === 'string' ? input.mode : (body.mode ?? 'raw');
  body.raw = input.raw === undefined ? undefined : String(input.raw);
  body.urlencoded = Array.isArray(input.urlencoded) ? createList(FORM_LIST, input.urlencoded) : undefined;
  body.formdata = Array.isArray(input.formdata) ? createList(FORM_LIST, input.formdata) : undefined;
  body.file = (input.file as BodyModel['file']) ?? undefined;
  body.graphql = (input.graphql as BodyModel['graphql']) ?? undefined;
  body.options = (input.options as BodyModel['options']) ?? undefined;
  body.disabled = input.disabled === true ? true : undefined;
}

export function createBody(source: unknown): BodyModel | undefined {
  if (source === null || source === undefined) return undefined;
  if (Object.getPrototypeOf(source) === bodyProto) return source as BodyModel;
  const body = Object.create(bodyProto) as BodyModel;
  fillBody(body, typeof source === 'string' ? { mode: 'raw', raw: source } : source);
  return body;
}

/** Headers given as a list, a `{ name: value }` object or `"Name: value"` lines (sendRequest accepts all three). */
export function headerItems(source: unknown): unknown[] {
  if (source === null || source === undefined) return [];
  if (typeof source === 'string') return HEADER_LIST.parse?.(source) ?? [];
  if (Array.isArray(source)) return source;
  if (typeof source === 'object' && 'members' in source && Array.isArray(source.members))
    return source.members;
  if (typeof source === 'object') {
    return Object.entries(source).map(([key, value]) => ({ key, value: String(value) }));
  }
  return [];
}

interface RequestInternal extends RequestModel {
  currentUrl: UrlModel;
  currentBody: BodyModel | undefined;
}

function toUrl(value: unknown): UrlModel {
  if (isUrlModel(value)) return value;
  if (value !== null && typeof value === 'object' && typeof (value as { raw?: unknown }).raw === 'string') {
    const source = value as { raw: string; variable?: unknown };
    return createUrl(source.raw, Array.isArray(source.variable) ? source.variable : undefined);
  }
  return createUrl(value === undefined || value === null ? '' : String(value));
}

const requestProto: ThisType<RequestInternal> &
  Omit<RequestModel, 'url' | 'method' | 'headers' | 'body' | 'to'> = {
  addHeader(header) {
    this.headers.add(header);
  },
  removeHeader(header) {
    if (typeof header === 'string') this.headers.remove(header);
    else if (header !== null && typeof header === 'object') {
      const key = (header as { key?: unknown }).key;
      this.headers.remove(this.headers.members.includes(header as PropertyItem) ? header : String(key));
    }
  },
  upsertHeader(header) {
    this.headers.upsert(header);
  },
  getHeaders(options = {}) {
    return this.headers.toObject(options.enabled === true, options.ignoreCase !== true, options.multiValue);
  },
  forEachHeader(fn) {
    this.headers.each((header) => {
      if (!header.disabled) fn(header, this);
    });
  },
  toJSON() {
    const out: PmRequestData = {
      url: this.currentUrl.toString(),
      method: String(this.method),
      headers: keyValues(this.headers) as PmKeyValue[],
    };
    const body = this.currentBody;
    out.body = body ? body.toJSON() : null;
    if (this.currentUrl.variables.count()) out.urlVariables = keyValues(this.currentUrl.variables);
    return out;
  },
};

Object.defineProperties(requestProto, {
  url: {
    get(this: RequestInternal) {
      return this.currentUrl;
    },
    set(this: RequestInternal, value: unknown) {
      this.currentUrl = toUrl(value);
    },
  },
  body: {
    get(this: RequestInternal) {
      return this.currentBody;
    },
    set(this: RequestInternal, value: unknown) {
      this.currentBody = createBody(value);
    },
  },
  to: {
    get(this: RequestInternal) {
      return assertionsFor(this);
    },
  },
});

export function createRequest(data: PmRequestData | Record<string, unknown>): RequestModel {
  const input = data as Record<string, unknown>;
  const request = Object.create(requestProto) as RequestInternal;
  Object.defineProperties(request, {
    currentUrl: { value: undefined, writable: true, enumerable: false },
    currentBody: { value: undefined, writable: true, enumerable: false },
  });
  request.currentUrl = toUrl(input.url);
  if (Array.isArray(input.urlVariables)) request.currentUrl.variables.populate(input.urlVariables);
  request.method = typeof input.method === 'string' && input.method ? input.method.toUpperCase() : 'GET';
  request.headers = createList(HEADER_LIST, headerItems(input.headers ?? input.header));
  request.currentBody = createBody(input.body);
  requestObjects.add(request);
  return request;
}
