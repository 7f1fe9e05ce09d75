/**
 * Strong ETags for representations that no longer change (a finished run), and `304 Not Modified`
 * for a matching `If-None-Match`. The tag is a hash of the JSON body, so anything that does change
 * the representation (a deleted environment clearing `environment_id`) changes the tag too.
 *
 * A request's own `Cache-Control: no-cache` (which fetch adds to conditional requests) does not stop
 * the 304: it tells caches to revalidate, and this is the revalidation.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { type Reply, reply } from './route.ts';

export function strongEtag(body: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
}

/** RFC 9110 §13.1.2: weak comparison, `*` matches anything. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}

/** 200 with the ETag, or 304 (no body is sent) when the client already holds this representation. */
export function withEtag<T>(req: Request, body: T): Reply<T> {
  const etag = strongEtag(body);
  return reply(noneMatch(req.get('if-none-match'), etag) ? 304 : 200, body, { ETag: etag });
}
