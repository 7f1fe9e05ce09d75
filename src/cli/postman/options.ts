/**
 * Newman's `run` options, accepted by `assay run` when the file given is a Postman collection. They are
 * part of `assay run`'s option table (so parsing stays strict) and refused for native suites. Options both
 * share (`--bail`, `--timeout`, `-k`, `-r`) keep one spelling with Newman's meaning in a collection run.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import { type CommandInput, UsageError } from '../command.ts';

export const COLLECTION_OPTIONS = {
  environment: { type: 'string', short: 'e' },
  globals: { type: 'string', short: 'g' },
  'iteration-data': { type: 'string', short: 'd' },
  'iteration-count': { type: 'string', short: 'n' },
  folder: { type: 'string', multiple: true },
  'env-var': { type: 'string', multiple: true },
  'global-var': { type: 'string', multiple: true },
  'working-dir': { type: 'string' },
  'no-insecure-file-read': { type: 'boolean' },
  'export-environment': { type: 'string' },
  'export-globals': { type: 'string' },
  reporters: { type: 'string', multiple: true },
  'reporter-json-export': { type: 'string' },
  'reporter-junit-export': { type: 'string' },
  'delay-request': { type: 'string' },
  'timeout-request': { type: 'string' },
  'timeout-script': { type: 'string' },
  'ignore-redirects': { type: 'boolean' },
  'suppress-exit-code': { type: 'boolean', short: 'x' },
  silent: { type: 'boolean' },
  verbose: { type: 'boolean' },
  // Accepted so that existing pipelines keep working; they change nothing in Assay's output.
  'disable-unicode': { type: 'boolean' },
  color: { type: 'string' },
  'reporter-cli-silent': { type: 'boolean' },
  'reporter-cli-no-summary': { type: 'boolean' },
  'reporter-cli-no-failures': { type: 'boolean' },
  'reporter-cli-no-assertions': { type: 'boolean' },
  'reporter-cli-no-success-assertions': { type: 'boolean' },
  'reporter-cli-no-console': { type: 'boolean' },
  'reporter-cli-no-banner': { type: 'boolean' },
  'reporter-cli-show-timestamps': { type: 'boolean' },
} satisfies ParseArgsOptionsConfig;

export const COLLECTION_HELP = `
Postman collections (Newman's options, same meaning; one collection per run):
  assay run collection.postman_collection.json [options]
  -e, --environment PATH          Postman environment export
  -g, --globals PATH              Postman globals export
  -d, --iteration-data PATH       iteration rows, JSON array or CSV
  -n, --iteration-count N         iterations (default: the data rows, or 1)
  --folder NAME                   run only this folder or request (repeatable)
  --env-var NAME=VALUE            set an environment variable (repeatable)
  --global-var NAME=VALUE         set a global variable (repeatable)
  --working-dir PATH              base of form-data and file body paths (default: current directory)
  --no-insecure-file-read         refuse body files outside the working directory
  -r, --reporters LIST            cli, json, junit, comma separated (default: cli)
  --reporter-json-export PATH     Newman JSON report (default: newman/newman-run-report-<time>.json)
  --reporter-junit-export PATH    JUnit XML in Newman's layout (default: newman/…-<time>.xml)
  --export-environment PATH       write the final environment
  --export-globals PATH           write the final globals
  --bail                          stop at the first script error, request error or failed test
  --delay-request MS              pause before each request
  --timeout MS                    time limit for the whole run
  --timeout-request MS            time limit for each request
  --timeout-script MS             time limit for each script
  --ignore-redirects              do not follow redirects
  -k, --insecure                  accept invalid TLS certificates
  -x, --suppress-exit-code        exit 0 even when tests failed
  --silent                        no console output
  --verbose                       also print the scripts' console output (on stderr)
`;

/** Names of the options above that a native suite run refuses. */
const COLLECTION_ONLY = Object.keys(COLLECTION_OPTIONS);

function collectionOptionsGiven(values: CommandInput['values']): string[] {
  return COLLECTION_ONLY.filter((name) => values[name] !== undefined);
}

/**
 * Decides whether the invocation runs a Postman collection. Mixing collections with suites, several
 * collections, or collection options on suites are usage errors.
 */
export async function isCollectionRun(input: CommandInput): Promise<boolean> {
  const { isCollectionFile } = await import('./detect.ts');
  const kinds = await Promise.all(
    input.positionals.map(async (arg) => ({ arg, collection: await isCollectionFile(arg) })),
  );
  const collections = kinds.filter((k) => k.collection).map((k) => k.arg);
  if (collections.length === 0) {
    const given = collectionOptionsGiven(input.values);
    if (given.length > 0) {
      throw new UsageError(
        `--${given[0]} applies to Postman collections only (the files given are not collections)`,
      );
    }
    return false;
  }
  // `--bail failure` / `--bail folder`: Newman's optional modifiers read as separate words.
  const others = kinds.filter((k) => !k.collection && !isBailModifier(k.arg, input)).map((k) => k.arg);
  if (others.length > 0) {
    throw new UsageError(
      `${others[0]} is not a Postman collection: run collections and suites in separate invocations`,
    );
  }
  if (collections.length > 1) {
    throw new UsageError(`one collection per run, as with newman run (got ${collections.length})`);
  }
  return true;
}

export function isBailModifier(arg: string, input: CommandInput): boolean {
  return input.values.bail === true && /^(failure|folder)(,(failure|folder))*$/.test(arg);
}
