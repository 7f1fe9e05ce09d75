/**
 * The variable scopes of a collection run, held by the host between script executions. Precedence when
 * resolving `{{name}}`, highest first: local (`pm.variables`) → iteration data → environment → collection
 * → globals (postman-runtime `resolveVariables`). Like postman-runtime, local variables set by a script
 * stay for the rest of the run, not only for the item that set them.
 */
import {
  type PmVariableScopes,
  substitute,
  type VariableLookup,
  type VariableMap,
} from '../sandbox/index.ts';

export interface RunScopes {
  current(): PmVariableScopes;
  /** Takes what the scripts left (iteration data changes are not kept, as in postman-runtime). */
  update(next: PmVariableScopes): void;
  startIteration(data: VariableMap): void;
  resolve(template: string): string;
  lookup: VariableLookup;
}

export function createRunScopes(initial: {
  globals: VariableMap;
  environment: VariableMap;
  collectionVariables: VariableMap;
}): RunScopes {
  let scopes: PmVariableScopes = {
    globals: initial.globals,
    environment: initial.environment,
    collectionVariables: initial.collectionVariables,
    iterationData: {},
    local: {},
  };
  let iterationData: VariableMap = {};

  const lookup: VariableLookup = (name) => {
    for (const layer of [
      scopes.local,
      scopes.iterationData,
      scopes.environment,
      scopes.collectionVariables,
      scopes.globals,
    ]) {
      if (Object.hasOwn(layer, name)) return { value: layer[name] };
    }
    return undefined;
  };

  return {
    current: () => scopes,
    update(next) {
      scopes = { ...next, iterationData };
    },
    startIteration(data) {
      iterationData = data;
      scopes = { ...scopes, iterationData };
    },
    resolve: (template) => (template.includes('{{') ? substitute(template, lookup) : template),
    lookup,
  };
}
