/**
 * The HTTP sessions of a collection run. One session carries the run (its cookie jar lives across every
 * request and `pm.sendRequest`); `protocolProfileBehavior` can ask for what a session fixes at creation:
 * `strictSSL` opposite to `--insecure` gets a second session (with a jar of its own, the engine's jar
 * being per session), and `disableCookies` a throwaway one per request so that nothing is read from or
 * written to the run's jar.
 *
 * `pm.cookies` needs the list of cookies for a URL, which the engine's session does not expose; a second
 * jar here mirrors the `Set-Cookie` headers of final responses for it.
 */
import { CookieJar } from 'tough-cookie';
import { createHttpSession } from '../../runner/http/session.ts';
import type { HttpResponse, HttpSession, HttpSessionOptions } from '../../runner/http/types.ts';
import type { ProfileBehavior } from '../collection/types.ts';
import type { PmCookie } from '../sandbox/index.ts';

export interface SessionLease {
  session: HttpSession;
  /** Whether responses through this session belong in the run's cookie jar. */
  cookies: boolean;
  release(): Promise<void>;
}

export interface SessionPool {
  /** The run's main session (used by `pm.sendRequest`). */
  main: HttpSession;
  lease(profile: ProfileBehavior): SessionLease;
  /** Records the cookies of a response for `pm.cookies`. */
  remember(response: HttpResponse): void;
  cookiesFor(url: string): PmCookie[];
  close(): Promise<void>;
}

export function createSessionPool(options: HttpSessionOptions): SessionPool {
  const insecure = options.insecure === true;
  const main = createHttpSession(options);
  let flipped: HttpSession | undefined;
  const mirror = new CookieJar();
  let mirrored = false;

  return {
    main,
    lease(profile) {
      const wantInsecure = profile.strictSSL === false ? true : profile.strictSSL === true ? false : insecure;
      if (profile.disableCookies === true) {
        const session = createHttpSession({ ...options, insecure: wantInsecure });
        return { session, cookies: false, release: () => session.close() };
      }
      if (wantInsecure === insecure) return { session: main, cookies: true, release: async () => {} };
      flipped ??= createHttpSession({ ...options, insecure: wantInsecure });
      return { session: flipped, cookies: true, release: async () => {} };
    },
    remember(response) {
      const lines = response.headers['set-cookie'];
      if (lines === undefined) return;
      for (const line of Array.isArray(lines) ? lines : [lines]) {
        if (mirror.setCookieSync(line, response.url, { ignoreError: true })) mirrored = true;
      }
    },
    cookiesFor(url) {
      if (!mirrored) return [];
      try {
        return mirror.getCookiesSync(url).map((cookie) => {
          const out: PmCookie = {
            name: cookie.key,
            value: cookie.value,
            path: cookie.path ?? '/',
            httpOnly: cookie.httpOnly,
            secure: cookie.secure,
            hostOnly: cookie.hostOnly ?? false,
            session: cookie.expires === 'Infinity',
          };
          if (cookie.domain) out.domain = cookie.domain;
          if (cookie.expires instanceof Date) out.expires = cookie.expires.toISOString();
          return out;
        });
      } catch {
        return [];
      }
    },
    async close() {
      await Promise.all([main.close(), flipped?.close()]);
    },
  };
}
