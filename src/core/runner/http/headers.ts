/**
 * Request headers as the session sends them: the user's names kept as written, with the session's
 * additions (content type, user agent, accept-encoding, cookies) only where the user gave none.
 */

export function baseHeaders(
  user: Record<string, string>,
  contentType: string | undefined,
  userAgent: string,
): Record<string, string> {
  const headers: Record<string, string> = { ...user };
  let hasContentType = false;
  let hasUserAgent = false;
  let hasAcceptEncoding = false;
  for (const name in user) {
    // Only names of the right length can match: skips lowercasing most headers on this hot path.
    const lower = name.length === 12 || name.length === 10 || name.length === 15 ? name.toLowerCase() : '';
    if (lower === 'content-type') hasContentType = true;
    else if (lower === 'user-agent') hasUserAgent = true;
    else if (lower === 'accept-encoding') hasAcceptEncoding = true;
  }
  if (contentType !== undefined && !hasContentType) headers['content-type'] = contentType;
  if (!hasUserAgent) headers['user-agent'] = userAgent;
  if (!hasAcceptEncoding) headers['accept-encoding'] = 'gzip, deflate, br';
  return headers;
}

/** Adds the jar's cookies, after any `cookie` header the user wrote. */
export function withCookies(headers: Record<string, string>, jarCookies: string): Record<string, string> {
  if (jarCookies === '') return headers;
  const name = findHeader(headers, 'cookie');
  const own = name === undefined ? '' : headers[name];
  return { ...headers, [name ?? 'cookie']: own ? `${own}; ${jarCookies}` : jarCookies };
}

/** A copy without the named headers (lowercase names, matched case-insensitively). */
export function withoutHeaders(
  headers: Record<string, string>,
  names: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    if (!names.has(name.toLowerCase())) out[name] = headers[name] as string;
  }
  return out;
}

export function findHeader(headers: Record<string, string>, lowerName: string): string | undefined {
  for (const name in headers) {
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return name;
  }
  return undefined;
}

/** Replaces a header whatever the case it was written in. */
export function setHeader(
  headers: Record<string, string>,
  name: string,
  value: string,
): Record<string, string> {
  const out = withoutHeaders(headers, new Set([name.toLowerCase()]));
  out[name] = value;
  return out;
}
