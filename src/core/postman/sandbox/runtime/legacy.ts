/**
 * The legacy script interface (postman-sandbox's postman-legacy-interface): globals set afresh before
 * each script — `tests`, `responseBody`, `responseCode`, `responseHeaders`, `responseTime`,
 * `responseCookies`, `request`, `globals`, `environment`, `data`, `iteration` and the `postman` object.
 */
import { state } from './state.ts';

const TEST_ONLY = ['responseBody', 'responseCode', 'responseHeaders', 'responseTime', 'responseCookies'];

/** Legacy setters stored text: `postman.setEnvironmentVariable('n', 5)` stores "5". */
function legacyValue(value: unknown): unknown {
  if ((value === false || value) && typeof (value as { toString?: unknown }).toString === 'function') {
    return String(value);
  }
  return value;
}

function legacyRequest(): Record<string, unknown> {
  const s = state();
  const request = s.request;
  const body = request.body;
  let data: unknown = {};
  if (body && !body.isEmpty()) {
    if (body.mode === 'raw') data = body.raw;
    else if (body.mode === 'file') data = body.file?.content;
    else if (body.mode === 'urlencoded' || body.mode === 'formdata') {
      const list = body.mode === 'urlencoded' ? body.urlencoded : body.formdata;
      const form: Record<string, unknown> = {};
      for (const field of list?.members ?? []) {
        if (field.disabled) continue;
        const key = String(field.key);
        const previous = form[key];
        form[key] =
          previous === undefined
            ? field.value
            : [...(Array.isArray(previous) ? previous : [previous]), field.value];
      }
      data = form;
    }
  }
  return {
    id: s.info.requestId,
    name: s.info.requestName,
    url: request.url.toString(),
    method: request.method,
    headers: request.headers.toObject(true, false),
    data,
  };
}

/** Returns the fresh `tests` object, read back after the script's synchronous part. */
export function setupLegacy(): Record<string, unknown> {
  const s = state();
  const globals = globalThis as Record<string, unknown>;
  const tests: Record<string, unknown> = {};
  const environment = s.scopes.environment.toObject();
  const globalVariables = s.scopes.globals.toObject();

  const postman: Record<string, unknown> = {
    setEnvironmentVariable(key: unknown, value: unknown) {
      const stored = legacyValue(value);
      environment[String(key)] = stored;
      s.scopes.environment.set(key, stored);
    },
    getEnvironmentVariable: (key: unknown) => s.scopes.environment.get(key),
    clearEnvironmentVariable(key: unknown) {
      if (key) delete environment[String(key)];
      s.scopes.environment.unset(key);
    },
    clearEnvironmentVariables() {
      for (const key of Object.keys(environment)) delete environment[key];
      s.scopes.environment.clear();
    },
    setGlobalVariable(key: unknown, value: unknown) {
      const stored = legacyValue(value);
      globalVariables[String(key)] = stored;
      s.scopes.globals.set(key, stored);
    },
    getGlobalVariable: (key: unknown) => s.scopes.globals.get(key),
    clearGlobalVariable(key: unknown) {
      if (key) delete globalVariables[String(key)];
      s.scopes.globals.unset(key);
    },
    clearGlobalVariables() {
      for (const key of Object.keys(globalVariables)) delete globalVariables[key];
      s.scopes.globals.clear();
    },
    setNextRequest(name: unknown) {
      s.nextRequest = name === null || name === undefined ? null : String(name);
      s.nextRequestSet = true;
    },
  };

  globals.tests = tests;
  globals.environment = environment;
  globals.globals = globalVariables;
  globals.data = s.scopes.iterationData.toObject();
  globals.iteration = s.info.iteration;
  globals.request = legacyRequest();
  globals.postman = postman;

  const response = s.response;
  if (s.event === 'test' && response) {
    postman.getResponseHeader = (name: unknown) => {
      const value = response.headers.one(name)?.value;
      return value === undefined ? undefined : value;
    };
    postman.getResponseCookie = (name: unknown) => response.cookies.one(name) ?? s.cookies.one(name);
    const headers: Record<string, unknown> = {};
    for (const header of response.headers.members)
      if (!header.disabled) headers[String(header.key)] = header.value;
    globals.responseBody = response.text();
    globals.responseCode = response.details();
    globals.responseHeaders = headers;
    globals.responseTime = response.responseTime;
    globals.responseCookies = response.cookies.all();
  } else {
    for (const name of TEST_ONLY) delete globals[name];
  }
  return tests;
}
