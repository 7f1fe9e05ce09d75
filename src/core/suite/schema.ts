/**
 * The suite format, version 1 — the single source of truth.
 *
 * The parser validates documents with these schemas, the TypeScript types are inferred from them, and
 * `schema/suite-v1.json` (for editors) is generated from them by `npm run schema`. Objects are strict:
 * an unknown key is an error, never silently ignored.
 */
import { z } from 'zod';

/**
 * Words for error messages, kept beside the schemas they describe: what a value at a place should be
 * (`expected`), and advice when an unknown key turns up there (`unknownKeyHint`). Not part of the JSON
 * Schema.
 */
export const schemaPhrases = z.registry<{ expected?: string; unknownKeyHint?: string }>();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const jsonValue: z.ZodType<unknown> = z.unknown();

/** Milliseconds, a whole number. */
const millis = z.int().min(0).max(86_400_000);

export const VALUE_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;

/** Matcher keywords; an object of these is a matcher, any other value is shorthand for `equals`. */
export const MATCHER_KEYS = [
  'equals',
  'notEquals',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'notContains',
  'matches',
  'exists',
  'type',
  'length',
  'in',
] as const;

const comparable = z.union([z.number(), z.string()]);

export interface MatcherObject {
  equals?: unknown;
  notEquals?: unknown;
  lt?: number | string;
  lte?: number | string;
  gt?: number | string;
  gte?: number | string;
  contains?: unknown;
  notContains?: unknown;
  matches?: string;
  exists?: boolean;
  type?: (typeof VALUE_TYPES)[number];
  length?: number | MatcherObject;
  in?: unknown[];
}

export const matcherObjectSchema: z.ZodType<MatcherObject> = z
  .lazy(() =>
    z
      .strictObject({
        equals: jsonValue.optional(),
        notEquals: jsonValue.optional(),
        lt: comparable.optional(),
        lte: comparable.optional(),
        gt: comparable.optional(),
        gte: comparable.optional(),
        contains: jsonValue.optional(),
        notContains: jsonValue.optional(),
        matches: z
          .string()
          .describe('A regular expression (JavaScript syntax), or /pattern/flags.')
          .optional(),
        exists: z.boolean().optional(),
        type: z.enum(VALUE_TYPES).optional(),
        length: z.union([z.int().min(0), matcherObjectSchema]).optional(),
        in: z.array(jsonValue).optional(),
      })
      .refine((m) => Object.keys(m).length > 0, {
        message: 'an empty matcher checks nothing: give at least one of ' + MATCHER_KEYS.join(', '),
        // An object with only unknown keys is already reported as such.
        when: (payload) => payload.issues.length === 0,
      })
      .meta({ minProperties: 1 })
      .register(schemaPhrases, {
        expected: 'a matcher object',
        unknownKeyHint: 'to compare with an object, write { equals: { … } }',
      }),
  )
  .meta({ id: 'MatcherObject' });

/**
 * A matcher, or a bare value meaning `equals`. An object is always read as a matcher object: to compare
 * against an object literal, write `{ equals: { … } }`.
 */
export const matcherSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), matcherObjectSchema])
  .register(schemaPhrases, { expected: 'a value to compare with, or a matcher object' });
export type Matcher = z.infer<typeof matcherSchema>;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('basic'), username: z.string(), password: z.string() }),
  z.strictObject({ type: z.literal('bearer'), token: z.string() }),
  z.strictObject({
    type: z.literal('apiKey'),
    name: z.string().min(1).describe('Header or query parameter name.'),
    value: z.string(),
    in: z.enum(['header', 'query']).default('header'),
  }),
  z.strictObject({
    type: z.literal('oauth2'),
    grant: z.literal('client_credentials').default('client_credentials'),
    tokenUrl: z.string().min(1),
    clientId: z.string(),
    clientSecret: z.string(),
    scope: z.string().optional(),
    audience: z.string().optional(),
    /** Send the client credentials as HTTP Basic (default) or in the form body. */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
  }),
]);
export type Auth = z.infer<typeof authSchema>;

export const multipartPartSchema = z
  .union([
    scalar,
    z.strictObject({
      file: z.string().min(1).describe('Path relative to the suite file.'),
      filename: z.string().optional(),
      contentType: z.string().optional(),
    }),
    z.strictObject({ value: z.string(), contentType: z.string().optional() }),
  ])
  .register(schemaPhrases, {
    expected: 'a text value, { file, filename?, contentType? } or { value, contentType? }',
  });

/** The request keys that carry a body; a request has at most one. */
export const BODY_KEYS = ['json', 'form', 'multipart', 'body'] as const;

/** JSON Schema for "at most one body key", which zod expresses as a refinement. */
const atMostOneBody = {
  not: {
    anyOf: BODY_KEYS.flatMap((a, i) => BODY_KEYS.slice(i + 1).map((b) => ({ required: [a, b] }))),
  },
};

export const requestSchema = z
  .strictObject({
    method: z.enum(HTTP_METHODS).default('GET'),
    url: z.string().min(1).describe('Absolute URL; templates allowed, e.g. "{{ baseUrl }}/users".'),
    query: z
      .record(z.string(), z.union([scalar, z.array(scalar)]))
      .optional()
      .describe('Query parameters, appended to the URL; a list repeats the parameter.'),
    headers: z.record(z.string(), scalar).optional(),
    json: jsonValue.optional().describe('A JSON body (sets content-type: application/json).'),
    form: z
      .record(z.string(), z.union([scalar, z.array(scalar)]))
      .optional()
      .describe('A URL-encoded form body.'),
    multipart: z.record(z.string(), multipartPartSchema).optional().describe('A multipart/form-data body.'),
    body: z.string().optional().describe('A raw text body, sent as written.'),
    auth: authSchema.optional(),
    timeout: millis.optional().describe('Per-request timeout in ms.'),
    followRedirects: z.boolean().optional().describe('Follow 3xx redirects (default true).'),
    maxRedirects: z.int().min(0).max(50).optional(),
  })
  .refine((r) => BODY_KEYS.filter((k) => r[k] !== undefined).length <= 1, {
    message: 'a request has at most one body: json, form, multipart or body',
    params: { rule: 'one-body' },
    // Checked even when other keys of the request are wrong, so every error is reported at once.
    when: (payload) => isRecord(payload.value),
  })
  .meta(atMostOneBody);
export type RequestSpec = z.infer<typeof requestSchema>;

export const captureSchema = z
  .union([
    z.string().describe('A JSONPath: shorthand for { json: "$…" }.'),
    z.strictObject({ json: z.string().describe('A JSONPath into the JSON body.') }),
    z.strictObject({ header: z.string().describe('A response header name (any case).') }),
    z.strictObject({
      regex: z.string().describe('Applied to the body; the first group (or the whole match).'),
    }),
    z.strictObject({ status: z.literal(true).describe('The response status code.') }),
    z.strictObject({ cookie: z.string().describe('A cookie set by the response.') }),
  ])
  .register(schemaPhrases, {
    expected: 'a JSONPath string, or an object with one of json, header, regex, status, cookie',
  });
export type Capture = z.infer<typeof captureSchema>;

const statusCode = z.int().min(100).max(599);
const statusClass = z.string().regex(/^[1-5]xx$/, 'a status class like "2xx"');
const statusPhrase = 'a status code (100 to 599), a class like "2xx", or a list of these';
export const statusExpectationSchema = z
  .union([
    statusCode,
    statusClass,
    z
      .array(
        z
          .union([statusCode, statusClass])
          .register(schemaPhrases, { expected: 'a status code (100 to 599) or a class like "2xx"' }),
      )
      .min(1),
  ])
  .register(schemaPhrases, { expected: statusPhrase });

export const expectSchema = z.strictObject({
  status: statusExpectationSchema.optional(),
  headers: z.record(z.string(), matcherSchema).optional(),
  json: z.record(z.string(), matcherSchema).optional(),
  body: matcherSchema.optional(),
  schema: z
    .record(z.string(), jsonValue)
    .describe('A JSON Schema (draft 2020-12) for the JSON body.')
    .optional(),
  latency: matcherSchema.optional().describe('Total time in ms.'),
  size: matcherSchema.optional().describe('Response body size in bytes (decoded).'),
});
export type Expect = z.infer<typeof expectSchema>;

export const retrySchema = z.strictObject({
  count: z.int().min(0).max(100),
  delayMs: millis.default(0),
});

export const stepSchema = z.strictObject({
  name: z.string().min(1),
  request: requestSchema,
  capture: z
    .record(
      z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]*$/,
          'a variable name (letters, digits and _, not starting with a digit)',
        ),
      captureSchema,
    )
    .optional()
    .describe('Values taken from the response, available to later steps as {{ name }}.'),
  expect: expectSchema.optional(),
  retry: retrySchema.optional().describe('Re-run the step while it fails.'),
  skip: z
    .union([z.boolean(), z.string()])
    .register(schemaPhrases, { expected: 'true, false, or a template condition' })
    .optional()
    .describe('Skip when true, or when the template renders truthy.'),
});
export type Step = z.infer<typeof stepSchema>;

export const defaultsSchema = z.strictObject({
  timeout: millis.optional(),
  headers: z.record(z.string(), scalar).optional(),
  auth: authSchema.optional(),
  followRedirects: z.boolean().optional(),
  maxRedirects: z.int().min(0).max(50).optional(),
  retry: retrySchema.optional(),
});

export const iterationsSchema = z
  .union([
    z.array(z.record(z.string(), jsonValue)).min(1),
    z.strictObject({
      file: z
        .string()
        .min(1)
        .describe('A .csv (header row) or .json (array of objects) file, relative to the suite.'),
    }),
  ])
  .describe('Run the steps once per row: a list of variable sets, or a data file.')
  .register(schemaPhrases, { expected: 'a list of variable sets, or { file: data.csv }' });

export const suiteSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this format, for editors.'),
    version: z.literal(1).describe('The suite format version.'),
    name: z.string().min(1),
    description: z.string().optional(),
    variables: z
      .record(z.string(), jsonValue)
      .optional()
      .describe('Defaults; overridden by the environment, then by --var on the command line.'),
    defaults: defaultsSchema.optional().describe('Applied to every step unless the step says otherwise.'),
    iterations: iterationsSchema.optional(),
    bail: z.boolean().optional().describe('Stop at the first failed or errored step.'),
    timeout: millis.optional().describe('Whole-run timeout in ms.'),
    steps: z.array(stepSchema).min(1).describe('Run in order; captures flow to later steps.'),
  })
  .meta({
    title: 'Assay suite (format version 1)',
    description: 'An API test suite: requests, captures and assertions, run in order.',
  });
export type Suite = z.infer<typeof suiteSchema>;
