/** Turning thrown values into the plain `{ name, message }` records of the output. */
import { SCRIPT_FILE_PREFIX } from '../protocol.ts';
import type { PmError } from '../types.ts';

export function toPmError(thrown: unknown): PmError {
  if (thrown !== null && typeof thrown === 'object') {
    const { name, message } = thrown as { name?: unknown; message?: unknown };
    return {
      name: typeof name === 'string' && name !== '' ? name : 'Error',
      message: typeof message === 'string' ? message : safeString(thrown),
    };
  }
  return { name: 'Error', message: safeString(thrown) };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Finds the first stack frame inside the given compiled script (`script-<id>.js:line:column`). */
export function locateInScript(
  thrown: unknown,
  fileId: number,
): { line: number; column: number } | undefined {
  if (thrown === null || typeof thrown !== 'object') return undefined;
  let stack: unknown;
  try {
    stack = (thrown as { stack?: unknown }).stack;
  } catch {
    return undefined;
  }
  if (typeof stack !== 'string') return undefined;
  const marker = `${SCRIPT_FILE_PREFIX}${fileId}.js:`;
  const at = stack.indexOf(marker);
  if (at < 0) return undefined;
  const match = /^(\d+):(\d+)/.exec(stack.slice(at + marker.length));
  if (!match) return undefined;
  return { line: Number(match[1]), column: Number(match[2]) };
}
