/**
 * Variable scopes (`pm.globals`, `pm.environment`, `pm.collectionVariables`, `pm.iterationData`) and
 * `pm.variables`, which reads through all of them with Postman's precedence:
 * local → iteration data → environment → collection → globals, and writes to local.
 */
import type { PmVariableScopes, VariableMap } from '../types.ts';
import { createList, keyValueItemProto, type ListKind, type PropertyList } from './property-list.ts';
import { substitute, substituteDeep, type VariableLookup } from './substitute.ts';

export interface VariableScope {
  get(key: unknown): unknown;
  set(key: unknown, value?: unknown, type?: unknown): void;
  unset(key: unknown): void;
  has(key: unknown): boolean;
  clear(): void;
  toObject(): VariableMap;
  replaceIn(template: unknown): unknown;
  toJSON(): { id?: string; name?: string; values: { key: string; value: unknown; type: string }[] };
  readonly values: PropertyList;
  /** Legacy: copies the variables into `target` (or a new object) and returns it. */
  syncVariablesTo(target?: VariableMap): VariableMap;
}

export interface Scopes {
  globals: VariableScope;
  environment: VariableScope;
  collectionVariables: VariableScope;
  iterationData: VariableScope;
  local: VariableScope;
  /** `pm.variables`. */
  resolved: VariableScope;
}

interface ScopeInternal extends VariableScope {
  map: Map<string, unknown>;
  name?: string;
}

const VARIABLE_LIST: ListKind = {
  keyField: 'key',
  caseInsensitive: false,
  multiValue: false,
  itemProto: keyValueItemProto,
  joiner: '&',
};

function typeOf(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return typeof value;
  return 'any';
}

function keyText(key: unknown): string | undefined {
  if (key === undefined || key === null) return undefined;
  return String(key);
}

const scopeProto: ThisType<ScopeInternal> & Omit<VariableScope, 'values'> = {
  get(key) {
    const name = keyText(key);
    return name === undefined ? undefined : this.map.get(name);
  },
  set(key, value, type) {
    const name = keyText(key);
    if (name === undefined) return;
    this.map.set(name, type === 'string' && value !== undefined && value !== null ? String(value) : value);
  },
  unset(key) {
    const name = keyText(key);
    if (name !== undefined) this.map.delete(name);
  },
  has(key) {
    const name = keyText(key);
    return name !== undefined && this.map.has(name);
  },
  clear() {
    this.map.clear();
  },
  toObject() {
    return Object.fromEntries(this.map);
  },
  replaceIn(template) {
    const lookup: VariableLookup = (name) => (this.map.has(name) ? { value: this.map.get(name) } : undefined);
    return typeof template === 'string' ? substitute(template, lookup) : substituteDeep(template, lookup);
  },
  toJSON() {
    const values = [...this.map].map(([key, value]) => ({ key, value, type: typeOf(value) }));
    return this.name === undefined ? { values } : { name: this.name, values };
  },
  syncVariablesTo(target) {
    const out = target ?? {};
    for (const key of Object.keys(out)) if (!this.map.has(key)) delete out[key];
    for (const [key, value] of this.map) out[key] = value;
    return out;
  },
};

Object.defineProperty(scopeProto, 'values', {
  get(this: ScopeInternal) {
    return createList(
      VARIABLE_LIST,
      [...this.map].map(([key, value]) => ({ key, value, type: typeOf(value) })),
    );
  },
});

function createScope(values: VariableMap | undefined, name?: string): VariableScope {
  const scope = Object.create(scopeProto) as ScopeInternal;
  scope.map = new Map(Object.entries(values ?? {}));
  if (name !== undefined) scope.name = name;
  return scope;
}

function internal(scope: VariableScope): ScopeInternal {
  return scope as ScopeInternal;
}

/** `pm.variables`: reads through the layers, writes to local. */
function createResolvedScope(layers: readonly VariableScope[], local: VariableScope): VariableScope {
  const maps = layers.map((layer) => internal(layer).map);
  const find: VariableLookup = (name) => {
    for (const map of maps) if (map.has(name)) return { value: map.get(name) };
    return undefined;
  };
  const resolved: Omit<VariableScope, 'values'> = {
    get: (key) => {
      const name = keyText(key);
      return name === undefined ? undefined : find(name)?.value;
    },
    set: (key, value, type) => local.set(key, value, type),
    unset: (key) => local.unset(key),
    has: (key) => {
      const name = keyText(key);
      return name !== undefined && find(name) !== undefined;
    },
    clear: () => local.clear(),
    toObject: () => {
      const out: VariableMap = {};
      for (let i = maps.length - 1; i >= 0; i--) for (const [key, value] of maps[i] ?? []) out[key] = value;
      return out;
    },
    replaceIn: (template) =>
      typeof template === 'string' ? substitute(template, find) : substituteDeep(template, find),
    toJSON: () => local.toJSON(),
    syncVariablesTo: (target) => local.syncVariablesTo(target),
  };
  Object.defineProperty(resolved, 'values', { get: () => local.values });
  return resolved as VariableScope;
}

export function createScopes(input: PmVariableScopes, environmentName?: string): Scopes {
  const globals = createScope(input.globals);
  const environment = createScope(input.environment, environmentName);
  const collectionVariables = createScope(input.collectionVariables);
  const iterationData = createScope(input.iterationData);
  const local = createScope(input.local);
  const resolved = createResolvedScope(
    [local, iterationData, environment, collectionVariables, globals],
    local,
  );
  return { globals, environment, collectionVariables, iterationData, local, resolved };
}

export function exportScopes(scopes: Scopes): PmVariableScopes {
  return {
    globals: scopes.globals.toObject(),
    environment: scopes.environment.toObject(),
    collectionVariables: scopes.collectionVariables.toObject(),
    iterationData: scopes.iterationData.toObject(),
    local: scopes.local.toObject(),
  };
}
