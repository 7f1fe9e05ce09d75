/**
 * Running our own Lua scripts: EVALSHA, and EVAL when the server does not know the script (first
 * use, or after a restart or failover emptied its script cache: the NOSCRIPT case).
 */
import { createHash } from 'node:crypto';
import { ErrorReply } from 'redis';
import type { RedisClient } from './connection.ts';

export interface LuaScript {
  source: string;
  sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export async function runScript(
  client: RedisClient,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const options = { keys, arguments: args.map(String) };
  try {
    return await client.evalSha(script.sha, options);
  } catch (error) {
    if (!(error instanceof ErrorReply && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.eval(script.source, options);
  }
}
