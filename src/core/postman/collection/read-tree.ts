/**
 * Reads the tree of a collection: folders (`item` lists, nested to any depth) and requests, each with its
 * scripts (`event`), variables, auth and `protocolProfileBehavior`.
 */
import { randomUUID } from 'node:crypto';
import { readAuth } from './read-auth.ts';
import { readRequest } from './read-request.ts';
import { type DocumentPath, describe, isRecord, join, list, type Reader, report, text } from './reader.ts';
import type { CollectionNode, ProfileBehavior, Scripts, VariableDefinition } from './types.ts';

export function readItems(reader: Reader, value: unknown, path: DocumentPath): CollectionNode[] {
  if (!Array.isArray(value)) {
    report(reader, path, `expected a list of requests and folders, got ${describe(value)}`);
    return [];
  }
  const nodes: CollectionNode[] = [];
  value.forEach((entry, i) => {
    const node = readNode(reader, entry, join(path, i));
    if (node) nodes.push(node);
  });
  return nodes;
}

function readNode(reader: Reader, value: unknown, path: DocumentPath): CollectionNode | undefined {
  if (!isRecord(value)) {
    report(reader, path, `expected a request or a folder object, got ${describe(value)}`);
    return undefined;
  }
  const id = idOf(value);
  const name = typeof value.name === 'string' ? value.name : id;
  if (value.name !== undefined && typeof value.name !== 'string') {
    report(reader, join(path, 'name'), `expected a string, got ${describe(value.name)}`);
  }
  reader.names.push(name);
  try {
    const scripts = readScripts(reader, value.event, join(path, 'event'));
    const profile = readProfile(reader, value.protocolProfileBehavior, join(path, 'protocolProfileBehavior'));
    if (Array.isArray(value.item)) {
      return {
        kind: 'folder',
        id,
        name,
        items: readItems(reader, value.item, join(path, 'item')),
        scripts,
        auth: readAuth(reader, value.auth, join(path, 'auth')),
        profile,
      };
    }
    if (value.item !== undefined) {
      report(
        reader,
        join(path, 'item'),
        `expected a list of requests and folders, got ${describe(value.item)}`,
      );
      return undefined;
    }
    if (value.request === undefined) {
      report(reader, path, 'expected a request (an item) or a list of items (a folder); this has neither');
      return undefined;
    }
    return {
      kind: 'item',
      id,
      name,
      request: readRequest(reader, value.request, join(path, 'request')),
      scripts,
      profile,
    };
  } finally {
    reader.names.pop();
  }
}

function idOf(value: Record<string, unknown>): string {
  if (typeof value.id === 'string' && value.id !== '') return value.id;
  if (typeof value._postman_id === 'string' && value._postman_id !== '') return value._postman_id;
  return randomUUID();
}

/** Scripts of one level in document order. Disabled events are dropped; `listen` values other than ours are ignored. */
export function readScripts(reader: Reader, value: unknown, path: DocumentPath): Scripts {
  const scripts: Scripts = { prerequest: [], test: [] };
  list(reader, value, path).forEach((event, i) => {
    const at = join(path, i);
    if (!isRecord(event)) {
      report(reader, at, `expected an event object, got ${describe(event)}`);
      return;
    }
    if (event.disabled === true) return;
    if (event.listen !== 'prerequest' && event.listen !== 'test') return;
    const script = event.script;
    // An event without a script is not run (postman-runtime does not count it either).
    if (script === undefined || script === null) return;
    if (!isRecord(script)) {
      report(reader, join(at, 'script'), `expected a script object with exec, got ${describe(script)}`);
      return;
    }
    scripts[event.listen].push(scriptSource(reader, script.exec, join(join(at, 'script'), 'exec')));
  });
  return scripts;
}

function scriptSource(reader: Reader, exec: unknown, path: DocumentPath): string {
  if (exec === undefined || exec === null) return '';
  if (typeof exec === 'string') return exec;
  if (Array.isArray(exec)) return exec.map((line, i) => text(reader, line, join(path, i))).join('\n');
  report(reader, path, `expected the script as a string or a list of lines, got ${describe(exec)}`);
  return '';
}

export function readVariables(reader: Reader, value: unknown, path: DocumentPath): VariableDefinition[] {
  const out: VariableDefinition[] = [];
  list(reader, value, path).forEach((entry, i) => {
    const at = join(path, i);
    if (!isRecord(entry)) {
      report(reader, at, `expected a variable object with a key and a value, got ${describe(entry)}`);
      return;
    }
    const key = entry.key ?? entry.id;
    if (typeof key !== 'string' || key === '') {
      report(reader, join(at, 'key'), `expected a variable name, got ${describe(key)}`);
      return;
    }
    // Environment exports say `enabled: false`, collections say `disabled: true`.
    if (entry.disabled === true || entry.enabled === false) return;
    const variable: VariableDefinition = { key, value: entry.value ?? '' };
    if (entry.type === 'secret') variable.secret = true;
    out.push(variable);
  });
  return out;
}

export function readProfile(reader: Reader, value: unknown, path: DocumentPath): ProfileBehavior {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    report(reader, path, `expected an object of settings, got ${describe(value)}`);
    return {};
  }
  return { ...value };
}
