/**
 * Importing a Postman environment export (`{ name, values: [{ key, value, type, enabled }] }`) as an
 * Assay environment: enabled values become variables, `type: "secret"` values become secrets (encrypted
 * by the environment service like any other), disabled values are left out as the Postman app does.
 * The export is read by the same loader as `assay run -e`, so its errors are located the same way.
 *
 * Names must be what an Assay environment accepts everywhere (the variable PATCH, the secret PUT): a
 * key outside that form is refused with the others rather than stored where it could not be edited.
 */
import { parseVariableFile, VariableFileError } from '../core/postman/collection/load.ts';
import type { VariableFile } from '../core/postman/collection/types.ts';
import { type FieldProblem, UnprocessableError } from '../platform/errors.ts';
import type { Environment } from '../ports/environment-store.ts';
import type { Caller } from './caller.ts';
import { type EnvironmentService, SECRET_NAME } from './environments.ts';

/** As many as `POST /projects/:id/environments` takes. */
const MAX_VARIABLES = 500;
/** At most this many problems are listed; `error_count` says how many there were. */
const MAX_REPORTED = 100;

export interface PostmanEnvironmentContent {
  /** The export's `name`, when it has one. */
  name: string | undefined;
  variables: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** Throws UnprocessableError (`environment_invalid`) listing every problem of the export. */
export function readPostmanEnvironment(source: string): PostmanEnvironmentContent {
  let file: VariableFile;
  try {
    file = parseVariableFile(source, { file: 'environment.json', kind: 'environment' });
  } catch (error) {
    if (!(error instanceof VariableFileError)) throw error;
    throw invalid(
      error.errors.map((e) => ({
        path: 'body.source',
        message: `line ${e.line}, column ${e.column}${e.path ? ` (${e.path})` : ''}: ${e.message}`,
        code: 'environment_error',
      })),
    );
  }
  const variables: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  for (const { key, value, secret } of file.values) {
    if (!SECRET_NAME.test(key)) {
      problems.push({
        path: 'body.source',
        message: `values: the key ${JSON.stringify(key)} is not a valid name: 1 to 128 letters, digits, underscores or hyphens (rename it in Postman, in the environment and the collection)`,
        code: 'invalid_name',
      });
      continue;
    }
    // A key given twice: the last one counts, as when Postman loads the file.
    delete variables[key];
    delete secrets[key];
    if (secret) secrets[key] = typeof value === 'string' ? value : JSON.stringify(value);
    else variables[key] = value;
  }
  const count = Object.keys(variables).length;
  if (count > MAX_VARIABLES) {
    problems.push({
      path: 'body.source',
      message: `has ${count} variables; an environment holds at most ${MAX_VARIABLES}`,
      code: 'too_many',
    });
  }
  if (problems.length > 0) throw invalid(problems);
  return { name: file.name?.trim() || undefined, variables, secrets };
}

/** Creates the environment in the project; the name defaults to the export's. */
export async function importPostmanEnvironment(
  environments: Pick<EnvironmentService, 'create'>,
  caller: Caller,
  input: { projectId: string; name?: string | undefined; source: string },
): Promise<Environment> {
  const content = readPostmanEnvironment(input.source);
  return environments.create(caller, {
    projectId: input.projectId,
    name: input.name ?? content.name ?? 'Postman environment',
    variables: content.variables,
    secrets: content.secrets,
  });
}

function invalid(problems: FieldProblem[]): UnprocessableError {
  const listed = problems.slice(0, MAX_REPORTED);
  return new UnprocessableError(listed, {
    code: 'environment_invalid',
    message:
      problems.length === 1
        ? 'the environment export has 1 error'
        : `the environment export has ${problems.length} errors${problems.length > listed.length ? ` (the first ${listed.length} are listed)` : ''}`,
    extensions: { error_count: problems.length },
  });
}
