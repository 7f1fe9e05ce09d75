/**
 * `setTimeout` and friends. The isolate has no event loop of its own: the host runs the clock and calls
 * `fire` when a timer is due. A live timer counts as pending work, so the host waits for it (within the
 * script's time limit), as postman-sandbox does.
 */
import { HOST_CLEAR_TIMER, HOST_INTERVAL, HOST_TIMER } from '../protocol.ts';
import { toHost } from './host.ts';
import { isCurrent, recordScriptError, settleAsync, trackAsync } from './state.ts';

interface Timer {
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
  interval: boolean;
  token: number;
}

const timers = new Map<number, Timer>();
let nextId = 1;

function start(fn: unknown, delay: unknown, args: unknown[], interval: boolean): number {
  if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
  const id = nextId++;
  timers.set(id, { fn: fn as Timer['fn'], args, interval, token: trackAsync() });
  const ms = Math.max(0, Number(delay) || 0);
  toHost(interval ? HOST_INTERVAL : HOST_TIMER, id, String(ms));
  return id;
}

function clear(id: unknown): void {
  const key = Number(id);
  const timer = timers.get(key);
  if (!timer) return;
  timers.delete(key);
  toHost(HOST_CLEAR_TIMER, key);
  settleAsync(timer.token);
}

export function fireTimer(id: number): void {
  const timer = timers.get(id);
  if (!timer) return;
  if (!isCurrent(timer.token)) {
    timers.delete(id);
    return;
  }
  if (!timer.interval) timers.delete(id);
  try {
    timer.fn(...timer.args);
  } catch (error) {
    recordScriptError(error, true);
  }
  // Settled after the callback, so that work it starts keeps the count above zero.
  if (!timer.interval) settleAsync(timer.token);
}

/** Forgets every timer (the host clears its side itself). */
export function dropTimers(): void {
  timers.clear();
}

export function installTimers(): void {
  const globals = globalThis as Record<string, unknown>;
  globals.setTimeout = (fn: unknown, delay?: unknown, ...args: unknown[]) => start(fn, delay, args, false);
  globals.setInterval = (fn: unknown, delay?: unknown, ...args: unknown[]) => start(fn, delay, args, true);
  globals.setImmediate = (fn: unknown, ...args: unknown[]) => start(fn, 0, args, false);
  globals.clearTimeout = clear;
  globals.clearInterval = clear;
  globals.clearImmediate = clear;
}
