/**
 * Postman collections saved as suites. A collection (v2.0 or v2.1, also wrapped as `{ "collection": … }`)
 * is stored exactly as exported, with the format `postman`; it is checked by the same loader as
 * `assay run collection.json`, whose located errors come back like those of a native suite. Which
 * checker applies is decided here, so the suite service stays one path for both kinds.
 */
import { isCollectionDocument, parseCollection } from '../core/postman/collection/load.ts';
import type { CollectionNode } from '../core/postman/collection/types.ts';
import { UnprocessableError } from '../platform/errors.ts';
import type { SuiteFormat } from '../ports/suite-store.ts';
import {
  checkSourceSize,
  SuiteInvalidError,
  type SuiteLimits,
  validateSuiteSource,
} from './suites-validation.ts';

/** What the suite service stores: the source as written, its format, the default name, the checked form. */
export interface CheckedSource {
  source: string;
  format: SuiteFormat;
  name: string;
  parsed: unknown;
}

/** Used as the suite name when neither the request nor the collection gives one. */
const UNNAMED = 'Postman collection';

/**
 * Without an explicit format: a JSON document whose `info.schema` names a Postman collection schema (as
 * the CLI decides), else a native suite in JSON or YAML.
 */
export function validateSource(
  input: { source: string; format?: SuiteFormat | undefined },
  limits: SuiteLimits,
): CheckedSource {
  checkSourceSize(input.source, limits);
  const format = input.format ?? (isCollectionSource(input.source) ? 'postman' : undefined);
  if (format === 'postman') return validateCollectionSource(input.source, limits);
  const checked = validateSuiteSource({ source: input.source, format }, limits);
  return { source: checked.source, format: checked.format, name: checked.suite.name, parsed: checked.suite };
}

export function isCollectionSource(source: string): boolean {
  const text = source.replace(/^\uFEFF/, '');
  if (!text.trimStart().startsWith('{')) return false;
  try {
    return isCollectionDocument(JSON.parse(text));
  } catch {
    return false;
  }
}

export function validateCollectionSource(source: string, limits: SuiteLimits): CheckedSource {
  checkSourceSize(source, limits);
  const result = parseCollection(source, { file: 'collection.json' });
  if (!result.ok) throw new SuiteInvalidError(result.errors.map(({ file: _file, ...rest }) => rest));
  const requests = countRequests(result.collection.items);
  if (requests > limits.maxSteps) {
    throw new UnprocessableError(
      [
        {
          path: 'body.source',
          message: `has ${requests} requests; the limit is ${limits.maxSteps} per suite (ASSAY_SUITE_MAX_STEPS): split the collection into several`,
          code: 'too_many_steps',
        },
      ],
      { code: 'suite_too_many_steps' },
    );
  }
  // The normalised collection, without the raw document it was read from (that is the source).
  const { document: _document, ...parsed } = result.collection;
  return { source, format: 'postman', name: result.collection.name.trim() || UNNAMED, parsed };
}

function countRequests(nodes: readonly CollectionNode[]): number {
  let count = 0;
  for (const node of nodes) count += node.kind === 'item' ? 1 : countRequests(node.items);
  return count;
}
