/**
 * Reads an item's `request`: a URL string, or an object with a url (string or parts), method, headers
 * and body. The URL becomes text the way postman-collection prints it from its parts (`raw` is only a
 * fallback when there are no parts), with disabled query parameters left out and `:name` path segments
 * kept for the runner to fill from `url.variable`.
 */
import type { PmFormDataParam, PmKeyValue, PmRequestBody } from '../sandbox/index.ts';
import { readAuth } from './read-auth.ts';
import { type DocumentPath, describe, isRecord, join, list, type Reader, report, text } from './reader.ts';
import type { RequestDefinition } from './types.ts';

const BODY_MODES = new Set(['raw', 'urlencoded', 'formdata', 'file', 'graphql']);

export function readRequest(reader: Reader, value: unknown, path: DocumentPath): RequestDefinition {
  if (typeof value === 'string') {
    return { method: 'GET', url: value, urlVariables: [], headers: [], body: null, auth: undefined };
  }
  if (!isRecord(value)) {
    report(reader, path, `expected a URL string or a request object, got ${describe(value)}`);
    return { method: 'GET', url: '', urlVariables: [], headers: [], body: null, auth: undefined };
  }
  let method = 'GET';
  if (typeof value.method === 'string') method = value.method;
  else if (value.method !== undefined && value.method !== null) {
    report(
      reader,
      join(path, 'method'),
      `expected an HTTP method such as "GET", got ${describe(value.method)}`,
    );
  }
  if (value.url === undefined || value.url === null)
    report(reader, join(path, 'url'), 'a request needs a url');
  const url = readUrl(reader, value.url, join(path, 'url'));
  return {
    // Methods may be written in lower case (exports from other tools); HTTP wants them upper case.
    method: (method || 'GET').toUpperCase(),
    url: url.text,
    urlVariables: url.variables,
    headers: readHeaders(reader, value.header, join(path, 'header')),
    body: readBody(reader, value.body, join(path, 'body')),
    auth: readAuth(reader, value.auth, join(path, 'auth')),
  };
}

interface UrlText {
  text: string;
  variables: PmKeyValue[];
}

export function readUrl(reader: Reader, value: unknown, path: DocumentPath): UrlText {
  if (value === undefined || value === null) return { text: '', variables: [] };
  if (typeof value === 'string') return { text: value, variables: [] };
  if (!isRecord(value)) {
    report(reader, path, `expected a URL string or a url object, got ${describe(value)}`);
    return { text: '', variables: [] };
  }
  const variables = keyValues(reader, value.variable, join(path, 'variable'), { idAsKey: true }).filter(
    (v) => !v.disabled,
  );
  const host = value.host;
  if (host === undefined || host === null || (Array.isArray(host) && host.length === 0)) {
    // Hand-written or trimmed exports sometimes carry only `raw`.
    const raw = value.raw === undefined ? '' : text(reader, value.raw, join(path, 'raw'));
    return { text: raw, variables };
  }
  let out = '';
  if (value.protocol !== undefined && value.protocol !== null) {
    const protocol = text(reader, value.protocol, join(path, 'protocol')).replace(/:(\/\/)?$/, '');
    if (protocol !== '') out += `${protocol}://`;
  }
  out += hostText(reader, host, join(path, 'host'));
  if (value.port !== undefined && value.port !== null && value.port !== '') {
    out += `:${text(reader, value.port, join(path, 'port'))}`;
  }
  out += pathText(reader, value.path, join(path, 'path'));
  const query = keyValues(reader, value.query, join(path, 'query'), { nullValues: true })
    .filter((q) => !q.disabled)
    .map((q) => (q.value === null ? q.key : `${q.key}=${q.value}`));
  if (query.length > 0) out += `?${query.join('&')}`;
  if (typeof value.hash === 'string' && value.hash !== '') out += `#${value.hash}`;
  return { text: out, variables };
}

function hostText(reader: Reader, host: unknown, path: DocumentPath): string {
  if (typeof host === 'string') return host;
  if (Array.isArray(host)) return host.map((part, i) => text(reader, part, join(path, i))).join('.');
  report(reader, path, `expected a string or a list of strings, got ${describe(host)}`);
  return '';
}

function pathText(reader: Reader, value: unknown, path: DocumentPath): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') {
    const trimmed = value.replace(/^\/+/, '');
    return value === '' ? '' : `/${trimmed}`;
  }
  if (!Array.isArray(value)) {
    report(reader, path, `expected a string or a list of segments, got ${describe(value)}`);
    return '';
  }
  const segments = value.map((segment, i) => {
    // v2.0 allows `{ type, value }` segments.
    if (isRecord(segment)) return text(reader, segment.value, join(join(path, i), 'value'));
    return text(reader, segment, join(path, i));
  });
  return segments.length === 0 ? '' : `/${segments.join('/')}`;
}

interface KeyValueOptions {
  /** v2.0 path variables may use `id` instead of `key`. */
  idAsKey?: boolean;
  /** Query parameters without a value (`?flag`) keep `null`. */
  nullValues?: boolean;
}

type LooseKeyValue = Omit<PmKeyValue, 'value'> & { value: string | null };

function keyValues(
  reader: Reader,
  value: unknown,
  path: DocumentPath,
  options: { nullValues: true },
): LooseKeyValue[];
function keyValues(
  reader: Reader,
  value: unknown,
  path: DocumentPath,
  options?: KeyValueOptions,
): PmKeyValue[];
function keyValues(
  reader: Reader,
  value: unknown,
  path: DocumentPath,
  options: KeyValueOptions = {},
): LooseKeyValue[] {
  const out: LooseKeyValue[] = [];
  list(reader, value, path).forEach((entry, i) => {
    const at = join(path, i);
    if (!isRecord(entry)) {
      report(reader, at, `expected an object with a key and a value, got ${describe(entry)}`);
      return;
    }
    const rawKey = entry.key ?? (options.idAsKey ? entry.id : undefined);
    const key = text(reader, rawKey, join(at, 'key'));
    const item: LooseKeyValue = {
      key,
      value:
        options.nullValues && (entry.value === null || entry.value === undefined)
          ? null
          : text(reader, entry.value, join(at, 'value')),
    };
    if (entry.disabled === true) item.disabled = true;
    if (typeof entry.description === 'string') item.description = entry.description;
    out.push(item);
  });
  return out;
}

export function readHeaders(reader: Reader, value: unknown, path: DocumentPath): PmKeyValue[] {
  if (typeof value === 'string') {
    // v2.0 and older exports may hold headers as "Name: value" lines.
    return value
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const colon = line.indexOf(':');
        return colon < 0
          ? { key: line.trim(), value: '' }
          : { key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
      });
  }
  return keyValues(reader, value, path);
}

export function readBody(reader: Reader, value: unknown, path: DocumentPath): PmRequestBody | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    report(reader, path, `expected a body object, got ${describe(value)}`);
    return null;
  }
  if (value.mode === undefined || value.mode === null || value.mode === '') return null;
  const mode = text(reader, value.mode, join(path, 'mode'));
  if (!BODY_MODES.has(mode)) {
    report(
      reader,
      join(path, 'mode'),
      `unknown body mode "${mode}" (raw, urlencoded, formdata, file or graphql)`,
    );
    return null;
  }
  const body: PmRequestBody = { mode: mode as PmRequestBody['mode'] };
  if (value.disabled === true) body.disabled = true;
  if (isRecord(value.options)) body.options = value.options;
  switch (mode) {
    case 'raw':
      body.raw =
        typeof value.raw === 'string' || value.raw === undefined || value.raw === null
          ? (value.raw ?? '')
          : JSON.stringify(value.raw);
      break;
    case 'urlencoded':
      body.urlencoded = keyValues(reader, value.urlencoded, join(path, 'urlencoded'));
      break;
    case 'formdata':
      body.formdata = readFormData(reader, value.formdata, join(path, 'formdata'));
      break;
    case 'file': {
      const file = value.file;
      if (file !== undefined && file !== null && !isRecord(file)) {
        report(reader, join(path, 'file'), `expected an object with src, got ${describe(file)}`);
      } else if (isRecord(file)) {
        body.file = {};
        if (typeof file.src === 'string') body.file.src = file.src;
        if (typeof file.content === 'string') body.file.content = file.content;
      }
      break;
    }
    case 'graphql': {
      const graphql = value.graphql;
      if (graphql !== undefined && graphql !== null && !isRecord(graphql)) {
        report(reader, join(path, 'graphql'), `expected an object with a query, got ${describe(graphql)}`);
      } else if (isRecord(graphql)) {
        body.graphql = { query: text(reader, graphql.query, join(join(path, 'graphql'), 'query')) };
        const variables = graphql.variables;
        if (typeof variables === 'string') body.graphql.variables = variables;
        else if (variables !== undefined && variables !== null)
          body.graphql.variables = JSON.stringify(variables);
      }
      break;
    }
  }
  return body;
}

function readFormData(reader: Reader, value: unknown, path: DocumentPath): PmFormDataParam[] {
  const out: PmFormDataParam[] = [];
  list(reader, value, path).forEach((entry, i) => {
    const at = join(path, i);
    if (!isRecord(entry)) {
      report(reader, at, `expected an object with a key, got ${describe(entry)}`);
      return;
    }
    const param: PmFormDataParam = { key: text(reader, entry.key, join(at, 'key')) };
    const type = entry.type === 'file' ? 'file' : 'text';
    param.type = type;
    if (type === 'file') {
      const src = entry.src;
      if (typeof src === 'string' || src === null) param.src = src;
      else if (Array.isArray(src)) param.src = src.map((s, j) => text(reader, s, join(join(at, 'src'), j)));
      else if (src !== undefined)
        report(reader, join(at, 'src'), `expected a file path, got ${describe(src)}`);
    } else {
      param.value = text(reader, entry.value, join(at, 'value'));
    }
    if (typeof entry.contentType === 'string' && entry.contentType !== '')
      param.contentType = entry.contentType;
    if (entry.disabled === true) param.disabled = true;
    out.push(param);
  });
  return out;
}
