/**
 * `pm.request.url`: Postman's Url object. The parser is tolerant like postman-collection's: it keeps
 * `{{variables}}` anywhere (host, port, path, query) and does not encode or decode anything, so that
 * `toString()` gives back what the collection said.
 */
import { createList, type PropertyList, QUERY_LIST } from './property-list.ts';

export interface UrlModel {
  protocol: string | undefined;
  auth: { user: string; password?: string } | undefined;
  host: string[];
  port: string | undefined;
  path: string[];
  query: PropertyList;
  hash: string | undefined;
  variables: PropertyList;
  toString(forceProtocol?: boolean): string;
  getHost(): string;
  getPath(unresolved?: boolean): string;
  getPathWithQuery(unresolved?: boolean): string;
  getQueryString(): string;
  getRemote(forcePort?: boolean): string;
  getRaw(): string;
  update(url: unknown): void;
  addQueryParams(params: unknown): void;
  removeQueryParams(params: unknown): void;
  toJSON(): Record<string, unknown>;
}

interface ParsedUrl {
  protocol: string | undefined;
  auth: { user: string; password?: string } | undefined;
  host: string[];
  port: string | undefined;
  path: string[];
  query: { key: string; value: string | null }[];
  hash: string | undefined;
}

export function parseQuery(text: string): { key: string; value: string | null }[] {
  if (text === '') return [];
  return text.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? { key: pair, value: null } : { key: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}

export function parseUrl(raw: string): ParsedUrl {
  let rest = raw.trim();
  let hash: string | undefined;
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) {
    hash = rest.slice(hashAt + 1);
    rest = rest.slice(0, hashAt);
  }
  let query: ParsedUrl['query'] = [];
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) {
    query = parseQuery(rest.slice(queryAt + 1));
    rest = rest.slice(0, queryAt);
  }
  let protocol: string | undefined;
  const scheme = /^([^:/?#\s]+):\/\//.exec(rest);
  if (scheme) {
    protocol = scheme[1];
    rest = rest.slice(scheme[0].length);
  }
  const slash = rest.indexOf('/');
  let authority = slash < 0 ? rest : rest.slice(0, slash);
  const pathText = slash < 0 ? undefined : rest.slice(slash + 1);
  let auth: ParsedUrl['auth'];
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const credentials = authority.slice(0, at);
    const colon = credentials.indexOf(':');
    auth =
      colon < 0
        ? { user: credentials }
        : { user: credentials.slice(0, colon), password: credentials.slice(colon + 1) };
    authority = authority.slice(at + 1);
  }
  let port: string | undefined;
  const portMatch = /:(\d+|\{\{[^{}]*}})$/.exec(authority);
  if (portMatch && !authority.endsWith(']')) {
    port = portMatch[1];
    authority = authority.slice(0, portMatch.index);
  }
  const host = authority === '' ? [] : authority.startsWith('[') ? [authority] : authority.split('.');
  return { protocol, auth, host, port, path: pathText === undefined ? [] : pathText.split('/'), query, hash };
}

function assignParsed(url: UrlModel, parsed: ParsedUrl): void {
  url.protocol = parsed.protocol;
  url.auth = parsed.auth;
  url.host = parsed.host;
  url.port = parsed.port;
  url.path = parsed.path;
  url.query.repopulate(parsed.query);
  url.hash = parsed.hash;
}

function queryString(url: UrlModel): string {
  return url.query.members
    .filter((member) => !member.disabled)
    .map((member) =>
      member.value === null || member.value === undefined
        ? String(member.key ?? '')
        : `${String(member.key ?? '')}=${String(member.value)}`,
    )
    .join('&');
}

function pathText(url: UrlModel, unresolved: boolean): string {
  if (url.path.length === 0) return '';
  const segments = unresolved
    ? url.path
    : url.path.map((segment) => {
        if (!segment.startsWith(':')) return segment;
        const value = url.variables.get(segment.slice(1));
        return value === undefined || value === null ? segment : String(value);
      });
  return `/${segments.join('/')}`;
}

const urlProto: ThisType<UrlModel> & Partial<UrlModel> = {
  toString(forceProtocol?: boolean) {
    let text = '';
    if (this.protocol) text += `${this.protocol}://`;
    else if (forceProtocol) text += 'http://';
    if (this.auth) {
      text += this.auth.user;
      if (this.auth.password !== undefined) text += `:${this.auth.password}`;
      text += '@';
    }
    text += this.getHost();
    if (this.port) text += `:${this.port}`;
    text += pathText(this, true);
    const query = queryString(this);
    if (query) text += `?${query}`;
    if (this.hash !== undefined && this.hash !== '') text += `#${this.hash}`;
    return text;
  },
  getHost() {
    return this.host.join('.');
  },
  getPath(unresolved?: boolean) {
    return pathText(this, unresolved === true) || '/';
  },
  getPathWithQuery(unresolved?: boolean) {
    const query = queryString(this);
    return this.getPath(unresolved) + (query ? `?${query}` : '');
  },
  getQueryString() {
    return queryString(this);
  },
  getRemote(forcePort?: boolean) {
    const port = this.port ?? (forcePort ? (this.protocol === 'https' ? '443' : '80') : undefined);
    return port ? `${this.getHost()}:${port}` : this.getHost();
  },
  getRaw() {
    return this.toString();
  },
  update(url: unknown) {
    if (typeof url === 'string') {
      assignParsed(this, parseUrl(url));
      return;
    }
    if (url !== null && typeof url === 'object') {
      const source = url as Record<string, unknown>;
      if (typeof source.raw === 'string') assignParsed(this, parseUrl(source.raw));
      else assignParsed(this, parseUrl(String(url)));
    }
  },
  addQueryParams(params: unknown) {
    const items = typeof params === 'string' ? parseQuery(params.replace(/^\?/, '')) : params;
    for (const item of Array.isArray(items) ? items : [items]) this.query.add(item);
  },
  removeQueryParams(params: unknown) {
    for (const param of Array.isArray(params) ? params : [params]) {
      if (typeof param === 'string') this.query.remove(param);
      else if (param !== null && typeof param === 'object' && 'key' in param) {
        this.query.remove(String((param as { key: unknown }).key));
      }
    }
  },
  toJSON() {
    const out: Record<string, unknown> = {
      raw: this.toString(),
      host: this.host.slice(),
      path: this.path.slice(),
    };
    if (this.protocol) out.protocol = this.protocol;
    if (this.port) out.port = this.port;
    if (this.query.count()) out.query = this.query.toJSON();
    if (this.hash) out.hash = this.hash;
    if (this.variables.count()) out.variable = this.variables.toJSON();
    return out;
  },
};

export function isUrlModel(value: unknown): value is UrlModel {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === urlProto;
}

export function createUrl(raw: string, variables?: readonly unknown[]): UrlModel {
  const url = Object.create(urlProto) as UrlModel;
  url.query = createList(QUERY_LIST);
  url.variables = createList(QUERY_LIST, variables);
  assignParsed(url, parseUrl(raw));
  return url;
}
