/**
 * Turns a `RequestBody` into the bytes sent and the content type that goes with them.
 *
 * A raw body gets `text/plain; charset=utf-8` when the user gave no content type: servers (and the
 * people reading a step's evidence) then know what it is, as with Postman's "raw text".
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { HttpError, type MultipartPart, type RequestBody } from './types.ts';

export interface EncodedBody {
  payload: string | Buffer;
  /** Content type the session adds when the user gave none (multipart always: it carries the boundary). */
  contentType: string;
  /** What `sent.body` shows: the text, or undefined for binary or large multipart bodies. */
  text: string | undefined;
}

/** Multipart bodies above this size are not echoed back as `sent.body`. */
const MULTIPART_TEXT_LIMIT = 64 * 1024;

const FILE_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

export async function encodeBody(body: RequestBody): Promise<EncodedBody> {
  switch (body.kind) {
    case 'json': {
      // `undefined` would stringify to nothing; send JSON null instead of an empty body.
      const text = JSON.stringify(body.value) ?? 'null';
      return { payload: text, contentType: 'application/json', text };
    }
    case 'form': {
      const text = encodeForm(body.fields);
      return { payload: text, contentType: 'application/x-www-form-urlencoded', text };
    }
    case 'raw':
      return { payload: body.text, contentType: 'text/plain; charset=utf-8', text: body.text };
    case 'multipart':
      return encodeMultipart(body.parts);
  }
}

/** `application/x-www-form-urlencoded`; an array repeats its key. */
export function encodeForm(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, value);
  }
  return params.toString();
}

/**
 * Written by hand rather than with FormData: a value part may carry a content type without becoming a
 * file part (FormData would add `filename=""`), and the boundary must be known for `sent`.
 */
async function encodeMultipart(parts: MultipartPart[]): Promise<EncodedBody> {
  const boundary = `----AssayBoundary${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(part.name)}"`;
    let content: Buffer;
    let type = part.contentType;
    if ('file' in part) {
      content = await readPartFile(part.file);
      head += `; filename="${escapeQuoted(part.filename ?? basename(part.file))}"`;
      type ??= FILE_TYPES[extname(part.file).toLowerCase()] ?? 'application/octet-stream';
    } else {
      content = Buffer.from(part.value, 'utf8');
    }
    if (type) head += `\r\nContent-Type: ${type}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), content, CRLF);
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  const payload = Buffer.concat(chunks);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}`, text: textOf(payload) };
}

const CRLF = Buffer.from('\r\n');

/** Quoted names as browsers write them (HTML multipart/form-data encoding algorithm). */
function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

async function readPartFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(error);
    throw new HttpError('FILE_NOT_FOUND', `cannot read multipart file ${path}: ${reason}`, { cause: error });
  }
}

function textOf(payload: Buffer): string | undefined {
  if (payload.length > MULTIPART_TEXT_LIMIT || payload.includes(0)) return undefined;
  const text = payload.toString('utf8');
  return text.includes('\uFFFD') ? undefined : text;
}
