/**
 * Postman marks secret variables with `type: "secret"` in environments, globals and collections. Their
 * values are masked in every result and report of the run (Newman prints them: newman #3070).
 */
import { createMasker, type SecretMasker } from '../../runner/masking.ts';
import type { Collection, VariableDefinition, VariableFile } from '../collection/types.ts';

export function secretMaskerFor(sources: {
  collection: Collection;
  environment?: VariableFile | undefined;
  globals?: VariableFile | undefined;
}): SecretMasker {
  const masker = createMasker();
  const add = (values: readonly VariableDefinition[] | undefined): void => {
    for (const v of values ?? []) if (v.secret && typeof v.value === 'string') masker.add(v.value);
  };
  add(sources.environment?.values);
  add(sources.globals?.values);
  add(sources.collection.variables);
  return masker;
}
