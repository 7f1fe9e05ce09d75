/** Builders for sandbox tests: a complete `ScriptInput` from the few fields a test cares about. */
import type { PmResponseData, PmVariableScopes, ScriptInput } from './types.ts';

export function emptyScopes(overrides: Partial<PmVariableScopes> = {}): PmVariableScopes {
  return {
    globals: {},
    environment: {},
    collectionVariables: {},
    iterationData: {},
    local: {},
    ...overrides,
  };
}

export function jsonResponse(body: unknown, code = 200, headers: [string, string][] = []): PmResponseData {
  return {
    code,
    headers: [{ key: 'Content-Type', value: 'application/json; charset=utf-8' }, ...toHeaders(headers)],
    body: typeof body === 'string' ? body : JSON.stringify(body),
    responseTime: 12,
  };
}

function toHeaders(pairs: [string, string][]): { key: string; value: string }[] {
  return pairs.map(([key, value]) => ({ key, value }));
}

type InputOverrides = Omit<Partial<ScriptInput>, 'variables'> & { variables?: Partial<PmVariableScopes> };

export function testInput(scripts: string | string[], overrides: InputOverrides = {}): ScriptInput {
  const { variables, ...rest } = overrides;
  return {
    event: 'test',
    scripts: Array.isArray(scripts) ? scripts : [scripts],
    request: { url: 'http://127.0.0.1:3000/users?page=2', method: 'GET', headers: [] },
    response: jsonResponse({ id: 7, name: 'Ada', tags: ['a', 'b'] }),
    variables: emptyScopes(variables),
    info: { requestName: 'Get user', requestId: 'req-1', iteration: 0, iterationCount: 1 },
    cookies: [],
    ...rest,
  };
}

export function prerequestInput(scripts: string | string[], overrides: InputOverrides = {}): ScriptInput {
  const input = testInput(scripts, { event: 'prerequest', ...overrides });
  delete input.response;
  return input;
}
