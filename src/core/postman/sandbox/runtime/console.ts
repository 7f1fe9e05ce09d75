/**
 * `console.*` captured into the output. Arguments are turned into JSON-safe copies at call time (later
 * mutations do not show), and the volume is bounded: a script that logs in a loop cannot grow the host's
 * memory without limit.
 */
import type { ConsoleLevel } from '../types.ts';
import { state } from './state.ts';

const MAX_ENTRIES = 1000;
const MAX_STRING = 10_000;
const MAX_DEPTH = 8;

function clip(text: string): string {
  return text.length > MAX_STRING
    ? `${text.slice(0, MAX_STRING)}… [${text.length - MAX_STRING} more characters]`
    : text;
}

function safeCopy(value: unknown, depth: number, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return clip(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function${value.name ? `: ${value.name}` : ' (anonymous)'}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? '[Array]' : '[Object]';
  if (object instanceof Error) return { name: object.name, message: object.message };
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof RegExp) return String(object);
  seen.add(object);
  try {
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && !Array.isArray(object)) {
      return safeCopy(toJSON.call(object), depth + 1, seen);
    }
    if (Array.isArray(object)) return object.map((item) => safeCopy(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(object)) out[key] = safeCopy(item, depth + 1, seen);
    return out;
  } catch (error) {
    return `[Unserializable: ${error instanceof Error ? error.message : String(error)}]`;
  } finally {
    seen.delete(object);
  }
}

function write(level: ConsoleLevel, args: unknown[]): void {
  const s = state();
  if (s.console.length >= MAX_ENTRIES) {
    s.consoleDropped++;
    return;
  }
  s.console.push({ level, args: args.map((arg) => safeCopy(arg, 0, new Set())), scriptIndex: s.scriptIndex });
}

export function installConsole(): void {
  const levels: ConsoleLevel[] = ['log', 'info', 'warn', 'error', 'debug'];
  const captured: Record<string, (...args: unknown[]) => void> = {};
  for (const level of levels) captured[level] = (...args: unknown[]) => write(level, args);
  captured.trace = (...args: unknown[]) => write('debug', args);
  const noop = () => {};
  for (const name of [
    'time',
    'timeEnd',
    'timeLog',
    'group',
    'groupEnd',
    'count',
    'countReset',
    'clear',
    'table',
    'dir',
    'assert',
  ]) {
    captured[name] = noop;
  }
  captured.table = (...args: unknown[]) => write('log', args);
  captured.dir = (...args: unknown[]) => write('log', args);
  Object.defineProperty(globalThis, 'console', { value: captured, writable: true, configurable: true });
}
