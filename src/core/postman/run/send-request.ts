/**
 * `pm.sendRequest` on the host side: the script's request goes through the run's main session, so it
 * shares the cookie jar, the timeouts and the egress check of every other request. As in postman-runtime,
 * its `{{variables}}` are not resolved (scripts call `pm.variables.replaceIn`), its body is never pruned,
 * and it does not count in the run's statistics.
 */
import type { SendRequestBridge } from '../sandbox/index.ts';
import { type SendOptions, toHttpRequest, toPmResponse } from './http.ts';
import { prepareRequest } from './prepare.ts';
import type { SessionPool } from './sessions.ts';

const AS_WRITTEN = (text: string): string => text;

export function createSendRequestBridge(
  sessions: SessionPool,
  options: Omit<SendOptions, 'signal'> & { signal: AbortSignal },
): SendRequestBridge {
  return async (request) => {
    const prepared = prepareRequest(request, AS_WRITTEN, { disableBodyPruning: true });
    try {
      const response = await sessions.main.send(await toHttpRequest(prepared, options));
      sessions.remember(response);
      const data = toPmResponse(response);
      data.cookies = sessions.cookiesFor(response.url);
      return data;
    } catch (error) {
      // The script receives it as the callback's `err` (or a rejected promise): keep it a plain Error.
      throw new Error(error instanceof Error ? error.message : String(error));
    }
  };
}
