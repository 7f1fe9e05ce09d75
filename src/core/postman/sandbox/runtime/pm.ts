/** The `pm` object, built once per execution over its state (postman-sandbox's pmapi). */
import { HOST_SKIP } from '../protocol.ts';
import { chai } from './chai-postman.ts';
import { toHost } from './host.ts';
import { sandboxRequire } from './libraries.ts';
import { createSendRequest } from './send-request.ts';
import { dropAsync, type ExecutionState } from './state.ts';
import { createTestApi } from './tests.ts';
import { dropTimers } from './timers.ts';

function readonly<T extends object>(target: T, values: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) Object.defineProperty(target, key, { value, enumerable: true, writable: false });
  }
  return target;
}

export function createPm(s: ExecutionState): object {
  const pm: Record<string, unknown> = {};
  const location = Object.assign((s.info.location ?? [s.info.requestName]).slice(), {
    current: s.info.requestName,
  });
  const execution = readonly(
    {},
    {
      setNextRequest(name: unknown) {
        s.nextRequest = name === null || name === undefined ? null : String(name);
        s.nextRequestSet = true;
      },
      skipRequest() {
        if (s.event !== 'prerequest') throw new TypeError('pm.execution.skipRequest is not a function');
        s.skipRequest = true;
        // Like postman-sandbox, the rest of this script's async work is abandoned.
        dropTimers();
        dropAsync();
        toHost(HOST_SKIP);
      },
      location,
    },
  );
  readonly(pm, {
    info: readonly(
      {},
      {
        eventName: s.event,
        iteration: s.info.iteration,
        iterationCount: s.info.iterationCount,
        requestName: s.info.requestName,
        requestId: s.info.requestId,
      },
    ),
    globals: s.scopes.globals,
    environment: s.scopes.environment,
    collectionVariables: s.scopes.collectionVariables,
    variables: s.scopes.resolved,
    iterationData: s.scopes.iterationData,
    request: s.request,
    response: s.response,
    cookies: s.cookies,
    execution,
    sendRequest: undefined,
    visualizer: { set() {}, clear() {} },
    require(name: unknown) {
      throw new Error(
        `pm.require is not supported (package ${String(name)}); use require() for bundled libraries`,
      );
    },
  });
  Object.defineProperty(pm, 'expect', { get: () => chai().expect, enumerable: true });
  Object.defineProperty(pm, 'sendRequest', { value: createSendRequest(pm), enumerable: true });
  Object.defineProperty(pm, 'test', { value: createTestApi(pm), enumerable: true });
  return pm;
}

/** Globals that every script sees besides `pm` and the legacy ones. */
export function installScriptGlobals(pm: object): void {
  const globals = globalThis as Record<string, unknown>;
  globals.pm = pm;
  globals.require = sandboxRequire;
}
