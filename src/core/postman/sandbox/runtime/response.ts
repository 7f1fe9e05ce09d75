/** `pm.response` (and the responses `pm.sendRequest` gives): Postman's Response object. */
import { Buffer } from 'buffer';
import type { PmResponseData } from '../types.ts';
import { responseObjects } from './brands.ts';
import { assertionsFor } from './chai-postman.ts';
import { COOKIE_LIST, createList, HEADER_LIST, type PropertyList } from './property-list.ts';

export interface ResponseModel {
  code: number;
  status: string;
  headers: PropertyList;
  cookies: PropertyList;
  responseTime: number;
  responseSize: number;
  text(): string;
  json(reviver?: (key: string, value: unknown) => unknown): unknown;
  reason(): string;
  details(): { code: number; name: string; detail: string };
  size(): { body: number; header: number; total: number };
  dataURI(): string;
  contentInfo(): {
    mimeType: string;
    mimeFormat: string;
    charset: string;
    fileExtension: string;
    fileName: string;
  };
  toJSON(): Record<string, unknown>;
  readonly to: unknown;
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  422: 'Unprocessable Entity',
  423: 'Locked',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

export function reasonPhrase(code: number): string {
  return REASONS[code] ?? '';
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Parses JSON the way Postman reports failures: a `JSONError`. A byte-order mark is ignored. */
export function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(source, reviver);
  } catch (error) {
    const failure = new Error(error instanceof Error ? error.message : String(error));
    failure.name = 'JSONError';
    throw failure;
  }
}

interface ResponseInternal extends ResponseModel {
  body: string;
}

const responseProto: ThisType<ResponseInternal> &
  Omit<ResponseModel, 'to' | keyof PmResponseData | 'cookies'> = {
  text() {
    return this.body;
  },
  json(reviver) {
    return parseJson(this.body, reviver);
  },
  reason() {
    return this.status;
  },
  details() {
    return { code: this.code, name: this.status, detail: this.status };
  },
  size() {
    const header = this.headers.members.reduce(
      (total, member) => total + utf8Length(`${String(member.key)}: ${String(member.value)}\r\n`),
      0,
    );
    return { body: this.responseSize, header, total: this.responseSize + header };
  },
  dataURI() {
    const { mimeType, charset } = this.contentInfo();
    const encoded = Buffer.from(this.body, 'utf8').toString('base64');
    return `data:${mimeType};${charset ? `charset=${charset};` : ''}base64,${encoded}`;
  },
  contentInfo() {
    const type = String(this.headers.get('content-type') ?? 'text/plain');
    const [mime = 'text/plain', ...params] = type.split(';').map((part) => part.trim());
    const charsetParam = params.find((param) => param.toLowerCase().startsWith('charset='));
    const subtype = mime.split('/')[1] ?? '';
    const fileExtension = subtype.split('+').pop() ?? '';
    return {
      mimeType: mime,
      mimeFormat: subtype.includes('json')
        ? 'json'
        : subtype.includes('xml')
          ? 'xml'
          : mime.split('/')[0] || '',
      charset: charsetParam ? charsetParam.slice('charset='.length) : 'utf8',
      fileExtension,
      fileName: `response${fileExtension ? `.${fileExtension}` : ''}`,
    };
  },
  toJSON() {
    return {
      code: this.code,
      status: this.status,
      header: this.headers.toJSON(),
      cookie: this.cookies.toJSON(),
      body: this.body,
      responseTime: this.responseTime,
      responseSize: this.responseSize,
    };
  },
};

Object.defineProperty(responseProto, 'to', {
  get(this: ResponseInternal) {
    return assertionsFor(this);
  },
});

export function createResponse(meta: Omit<PmResponseData, 'body'>, body: string): ResponseModel {
  const response = Object.create(responseProto) as ResponseInternal;
  response.code = Number(meta.code);
  response.status = meta.status || reasonPhrase(response.code);
  response.headers = createList(HEADER_LIST, meta.headers ?? []);
  response.cookies = createList(COOKIE_LIST, meta.cookies ?? []);
  response.responseTime = Number(meta.responseTime ?? 0);
  Object.defineProperty(response, 'body', { value: body, writable: true, enumerable: false });
  response.responseSize = meta.responseSize ?? utf8Length(body);
  responseObjects.add(response);
  return response;
}
